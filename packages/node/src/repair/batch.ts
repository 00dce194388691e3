// One batch of the repair walk: a HAS round for its chunks and the stripes of its pieces
// (a chunk whose neighbourhood was settled at a recent full round asks only its holders:
// settled.ts), then per chunk who should hold it and what this vault does (replica-plan.ts): audit the
// other holders (on a sample), put it where it is short (the actor, or a vault leaving),
// or free its copy (a vault no longer among the closest, once they all hold it); stripes
// likewise (stripe-batch.ts). A chunk is freed only when every lease group agrees.
import type { PeerId } from '@libp2p/interface'
import type { Clock, Random } from '@shoal/runtime'
import { IntegrityError } from '@shoal/store'
import { chunkKey } from '../closest-peers.js'
import { withDeadline } from '../deadline.js'
import type { NodeLogger } from '../logger.js'
import type { Auditor } from './audits.js'
import type { ByteBucket } from './byte-bucket.js'
import { hasRound, type HasAnswers, type HasQuestion } from './has-round.js'
import { leaseGroups, targetKey, type LeaseGroup } from './lease-groups.js'
import { planReplica, type ReplicaPlan } from './replica-plan.js'
import { serialDeadline } from './serial-deadline.js'
import type { SettledView, SettledViews } from './settled.js'
import { createStripeBatch, type StripeItem } from './stripe-batch.js'
import { stripeId } from './stripes.js'
import type { ChunkRecord, ClosestPeers, RepairChunks, RepairMetrics, RepairStore } from './types.js'

export interface BatchInit {
  self: PeerId
  store: Pick<RepairStore, 'get' | 'has' | 'record' | 'release'>
  chunks: RepairChunks
  closestPeers: ClosestPeers
  clock: Clock
  random: Random
  /** wall time, ms since 1970: which leases are current */
  now: () => number
  auditor: Auditor
  isBad: (peer: string) => boolean
  bucket: ByteBucket
  timeoutMs: number
  /** candidates looked at beyond a chunk's replicas, so that dead and bad ones can be passed over */
  slack: number
  /** at most this many chunks have their holders audited per batch */
  auditSample: number
  /** the chance that a chunk the walk visits has its holders audited (so a chunk is audited at one rate however many a vault holds) */
  auditChance: number
  /** views of settled chunks, and how long one is trusted before a full round (ms) */
  settled: SettledViews
  settledForMs: number
  metrics: RepairMetrics
  /** a chunk of this vault found corrupt on reading it (the store quarantined it) */
  corrupt: (record: ChunkRecord, signal?: AbortSignal) => Promise<void>
  /** a chunk this vault freed after handing it off */
  released?: (record: ChunkRecord) => Promise<void>
  logger: NodeLogger
}

export interface BatchOptions {
  /** this vault is leaving: hand on what is short without waiting for the bucket, free nothing */
  leaving?: boolean
  signal?: AbortSignal
}

export interface BatchOutcome {
  /** chunks this vault put to every target that lacked them, and pieces it placed */
  handedOff: number
  /** chunks found short that this vault could not put everywhere, and pieces it could not place */
  failed: number
}

/** A replicated chunk and one of the targets its leases keep it for. */
interface Item {
  record: ChunkRecord
  group: LeaseGroup
  /** the chunk and target, for its settled view */
  key: string
  replicas: number
  candidates: PeerId[]
  plan?: ReplicaPlan
  /** the view this tick trusts, its holders confirmed; undefined: a full round */
  settled?: SettledView
  /** the holders a settled chunk asks this tick (the only ones it may audit) */
  asked?: readonly string[]
  /** this chunk's holders are audited this tick (drawn before the HAS round, which then asks them all) */
  auditing: boolean
}

export type BatchRepair = (records: readonly ChunkRecord[], options?: BatchOptions) => Promise<BatchOutcome>

export function createBatchRepair (init: BatchInit): BatchRepair {
  const { self, store, chunks, clock, metrics, logger } = init
  const selfId = self.toString()
  const bounded = async <T>(signal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    await withDeadline(clock, init.timeoutMs, [signal], fn)

  async function itemsOf (records: readonly ChunkRecord[], signal?: AbortSignal): Promise<Item[]> {
    const items: Item[] = []
    if (records.length === 0) return items
    const lookups = serialDeadline(clock, init.timeoutMs, signal)
    try {
      for (const record of records) {
        for (const group of leaseGroups(record, init.now())) {
          if (group.target.scheme !== 'replicate') continue // stripe-batch.ts
          const replicas = group.target.replicas
          const candidates = await lookups.run(async s => await init.closestPeers(chunkKey(record.cid), replicas + init.slack, { signal: s }))
          items.push({ record, group, key: `${record.cid.toString()}/${targetKey(group.target)}`, replicas, candidates, auditing: false })
        }
      }
    } finally {
      lookups.end()
    }
    return items
  }

  const stripes = createStripeBatch({ ...init, bounded })

  const questionsOf = (items: Item[]): HasQuestion[] => items.map(item => {
    const holders = item.asked
    return { cid: item.record.cid, peers: item.candidates.filter(p => !p.equals(self) && (holders === undefined || holders.includes(p.toString()))) }
  })

  /**
   * A settled chunk whose holders all said they hold it keeps its view (what the other
   * candidates said at its full round); the others get the full round now, asking only
   * the candidates not asked yet.
   */
  async function confirmSettled (items: Item[], answers: HasAnswers, signal?: AbortSignal): Promise<void> {
    const unsettled: HasQuestion[] = []
    for (const item of items) {
      const view = item.settled
      if (view === undefined) continue
      const heard = answers.get(item.record.cid.toString()) ?? new Map<string, boolean>()
      const asked = item.asked ?? []
      if (asked.every(peer => heard.get(peer) === true)) {
        for (const [peer, held] of view.holds) if (!heard.has(peer)) heard.set(peer, held)
        answers.set(item.record.cid.toString(), heard)
        continue
      }
      item.settled = undefined
      item.asked = undefined
      unsettled.push({ cid: item.record.cid, peers: item.candidates.filter(p => !p.equals(self) && !asked.includes(p.toString())) })
    }
    if (unsettled.length === 0) return
    const more = await hasRound(chunks, clock, init.timeoutMs, unsettled, signal)
    for (const [cid, heard] of more) {
      const known = answers.get(cid) ?? new Map<string, boolean>()
      for (const [peer, held] of heard) known.set(peer, held)
      answers.set(cid, known)
    }
  }

  /** Keeps the view of each chunk found settled at a full round; forgets those that are not. */
  function remember (items: Item[], answers: HasAnswers, at: number): void {
    for (const item of items) {
      const plan = item.plan
      const settled = plan !== undefined && !plan.acts && !plan.free && plan.lacking.length === 0 && plan.targets.length >= item.replicas && plan.targets.includes(selfId)
      if (!settled) {
        init.settled.delete(item.key)
        continue
      }
      if (item.settled !== undefined) continue // a confirmed view keeps its age: a full round is due when it ends
      init.settled.set(item.key, {
        candidates: item.candidates.map(String),
        holds: new Map(answers.get(item.record.cid.toString())),
        // the actor watches every other holder; the others watch the actor, whose going makes the next of them act
        watched: plan.isActor ? plan.holders : plan.actor === undefined ? [] : [plan.actor],
        holders: plan.holders,
        until: at + init.settledForMs
      })
    }
  }

  const plan = (item: Item, holds: ReadonlyMap<string, boolean>, leaving: boolean): ReplicaPlan => planReplica({
    self: selfId,
    candidates: item.candidates.map(String),
    holds,
    isBad: init.isBad,
    replicas: item.replicas,
    leaving
  })

  /** The chunk's bytes from this vault's store, or null when it is gone or was corrupt (then a good copy is fetched for the next period). */
  const ownCopy = async (record: ChunkRecord, signal?: AbortSignal): Promise<Uint8Array | null> => {
    try {
      return await store.get(record.cid, { signal })
    } catch (err) {
      if (!(err instanceof IntegrityError)) throw err
      await init.corrupt(record, signal)
      return null
    }
  }

  async function audit (items: Item[], signal?: AbortSignal): Promise<void> {
    // every holder audits the others, not only the actor: an actor that lost or altered the chunk is audited too
    const actingFor = items.filter(item => item.auditing && (item.plan?.holders.length ?? 0) > 0)
    for (let n = 0; n < init.auditSample && actingFor.length > 0; n++) {
      const [item] = actingFor.splice(init.random.int(actingFor.length), 1)
      const bytes = await ownCopy(item.record, signal)
      if (bytes === null) continue
      for (const holder of item.plan?.holders ?? []) {
        // a holder is audited only if it answered this tick: a silent one is not a failed audit
        if (item.asked !== undefined && !item.asked.includes(holder)) continue
        const peer = item.candidates.find(p => p.toString() === holder)
        if (peer !== undefined) await init.auditor.audit(peer, item.record.cid, bytes, signal)
      }
    }
  }

  const chosenForAudit = (): boolean => init.auditChance >= 1 || init.random.float() < init.auditChance

  /** Puts the chunk to each target that lacks it; true when every put succeeded. */
  async function repair (item: Item, leaving: boolean, signal?: AbortSignal): Promise<boolean> {
    const { cid } = item.record
    const bytes = await ownCopy(item.record, signal)
    if (bytes === null) return false
    let complete = true
    for (const lacking of item.plan?.lacking ?? []) {
      const peer = item.candidates.find(p => p.toString() === lacking)
      if (peer === undefined) continue
      if (!leaving) await init.bucket.take(bytes.byteLength, { signal })
      try {
        const leased = item.group.leases.length > 0 ? { target: item.group.target, leases: item.group.leases } : {}
        await bounded(signal, async s => await chunks.put(peer, cid, bytes, { ...leased, signal: s }))
        metrics.repairBytesSent += bytes.byteLength
      } catch (err) {
        if (signal?.aborted === true) throw err
        complete = false
        logger.debug({ cid: cid.toString(), peer: lacking, err }, 'repair put failed')
      }
    }
    return complete
  }

  return async (records, options = {}) => {
    const { signal } = options
    const leaving = options.leaving === true
    const outcome: BatchOutcome = { handedOff: 0, failed: 0 }
    const at = clock.now()
    const items = await itemsOf(records, signal)
    // a vault leaving looks at everything afresh
    if (!leaving) {
      for (const item of items) {
        item.auditing = chosenForAudit()
        item.settled = init.settled.get(item.key, item.candidates.map(String), at)
        item.asked = item.auditing ? item.settled?.holders : item.settled?.watched
      }
    }
    const stripeItems = await stripes.itemsOf(records, signal)
    const answers = await hasRound(chunks, clock, init.timeoutMs, [...questionsOf(items), ...stripes.questionsOf(stripeItems)], signal)
    await confirmSettled(items, answers, signal)
    const replan = (): void => {
      for (const item of items) item.plan = plan(item, answers.get(item.record.cid.toString()) ?? new Map(), leaving)
      stripes.plan(stripeItems, answers, leaving)
    }
    replan()
    // too few live peers among the candidates (many near ones died): look further, twice at most
    for (let widen = 2; widen <= 4; widen *= 2) {
      const short = items.filter(item => (item.plan?.targets.length ?? 0) < item.replicas && item.candidates.length >= item.replicas + init.slack * (widen / 2))
      const shortStripes = await stripes.widen(stripeItems, widen, signal)
      if (short.length === 0 && shortStripes.length === 0) break
      for (const item of short) {
        item.candidates = await bounded(signal, async s => await init.closestPeers(chunkKey(item.record.cid), item.replicas + init.slack * widen, { signal: s }))
      }
      const more = await hasRound(chunks, clock, init.timeoutMs, [...questionsOf(short), ...stripes.questionsOf(shortStripes)], signal)
      for (const [cid, heard] of more) for (const [peer, held] of heard) answers.get(cid)?.set(peer, held)
    }
    replan()
    if (!leaving) {
      await audit(items, signal)
      await stripes.audit(stripeItems.filter(chosenForAudit), init.auditSample, n => init.random.int(n), signal)
      replan() // a holder found bad just now is passed over at once
    }

    // a leaving vault that finds no live peer to take a chunk must say so, not leave quietly with it
    if (leaving) outcome.failed += items.filter(item => item.plan !== undefined && item.plan.targets.length < item.replicas && item.plan.lacking.length === 0).length
    const short = new Set(items.filter(item => (item.plan?.lacking.length ?? 0) > 0).map(item => item.record.cid.toString()))
    metrics.chunksUnderTarget += short.size
    const acting = items.filter(item => item.plan?.acts === true)
    metrics.queueLength = acting.length
    for (const item of acting) {
      const done = await repair(item, leaving, signal)
      metrics.queueLength--
      if (done) {
        if (leaving) outcome.handedOff++
        else metrics.chunksRepaired++
      } else {
        outcome.failed++
      }
    }

    metrics.stripesUnderTarget += stripeItems.filter(item => (item.plan?.missing.length ?? 0) > 0).length
    for (const item of stripeItems) {
      const { placed, failed } = await stripes.repair(item, leaving, signal)
      if (leaving) outcome.handedOff += placed
      else if (placed > 0 && failed === 0) metrics.stripesRepaired++
      outcome.failed += failed
    }

    if (!leaving) {
      remember(items, answers, at)
      await freeHandedOff(records, items, stripeItems, signal)
    }
    return outcome
  }

  /** Frees the copies of chunks this vault is no longer among the closest for, once every target of every lease group holds them. */
  async function freeHandedOff (records: readonly ChunkRecord[], items: Item[], stripeItems: StripeItem[], signal?: AbortSignal): Promise<void> {
    const stripeFree = new Map<string, boolean>()
    for (const item of stripeItems) stripeFree.set(item.stripe.id, await stripes.mayFree(item, signal))
    for (const record of records) {
      const groups = leaseGroups(record, init.now())
      const free = groups.length > 0 && groups.every(group => group.target.scheme === 'replicate'
        ? items.some(item => item.record === record && targetKey(item.group.target) === targetKey(group.target) && item.plan?.free === true)
        : stripeFree.get(stripeId(group.target)) === true)
      if (!free) continue
      signal?.throwIfAborted()
      // only as the record was when read: a lease that came in meanwhile (or a pin) keeps it
      if (await store.release(record.cid, record)) {
        await init.released?.(record)
        metrics.handedOff++
        logger.debug({ cid: record.cid.toString() }, 'handed off: the closest peers hold it')
      }
    }
  }
}
