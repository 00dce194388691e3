// The stripes of one batch of the repair walk: every erasure lease group of the batch's
// records names a stripe (one per stripe, however many of its pieces this vault holds);
// for each, who should hold which piece (stripe-plan.ts), and what this vault does: hand
// on the missing pieces it holds, rebuild (the actor) those nobody holds from any k
// others, audit a holder of another piece, or free its pieces once the set holds them.
import type { PeerId } from '@libp2p/interface'
import { IntegrityError } from '@shoal/store'
import type { CID } from 'multiformats/cid'
import type { NodeLogger } from '../logger.js'
import type { Auditor } from './audits.js'
import type { ByteBucket } from './byte-bucket.js'
import type { HasAnswers, HasQuestion } from './has-round.js'
import { leaseGroups } from './lease-groups.js'
import { planStripe, type PieceMove, type StripePlan } from './stripe-plan.js'
import { gatherPieces, rebuildWanted } from './stripe-rebuild.js'
import { addStripeGroup, distinctPieces, pieceTarget, stripeHolds, stripeQuestions, type Stripe } from './stripes.js'
import type { ChunkRecord, ClosestPeers, RepairChunks, RepairMetrics, RepairStore } from './types.js'

export interface StripeBatchInit {
  self: PeerId
  store: Pick<RepairStore, 'get' | 'has' | 'record'>
  chunks: Pick<RepairChunks, 'put' | 'get'>
  closestPeers: ClosestPeers
  now: () => number
  auditor: Auditor
  isBad: (peer: string) => boolean
  bucket: ByteBucket
  /** runs one request or lookup under the request deadline */
  bounded: <T>(signal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>) => Promise<T>
  slack: number
  metrics: RepairMetrics
  corrupt: (record: ChunkRecord, signal?: AbortSignal) => Promise<void>
  logger: NodeLogger
}

export interface StripeItem {
  stripe: Stripe
  candidates: PeerId[]
  /** the piece indexes this vault holds */
  mine: Set<number>
  plan?: StripePlan
}

export interface StripeOutcome {
  /** missing pieces put where they belong */
  placed: number
  /** missing pieces this vault should have placed and could not */
  failed: number
}

export interface StripeBatch {
  itemsOf: (records: readonly ChunkRecord[], signal?: AbortSignal) => Promise<StripeItem[]>
  questionsOf: (items: readonly StripeItem[]) => HasQuestion[]
  plan: (items: readonly StripeItem[], answers: HasAnswers, leaving: boolean) => void
  /** items whose candidates were too few live peers, given a wider look (`widen` times the slack) */
  widen: (items: readonly StripeItem[], widen: number, signal?: AbortSignal) => Promise<StripeItem[]>
  audit: (items: readonly StripeItem[], sample: number, pick: (n: number) => number, signal?: AbortSignal) => Promise<void>
  repair: (item: StripeItem, leaving: boolean, signal?: AbortSignal) => Promise<StripeOutcome>
  /** Whether this vault may free its pieces of the stripe: the plan says so and each target said to hold one of them proves it. */
  mayFree: (item: StripeItem, signal?: AbortSignal) => Promise<boolean>
}

export function createStripeBatch (init: StripeBatchInit): StripeBatch {
  const { self, store, chunks, metrics, logger, bounded } = init
  const selfId = self.toString()
  const width = (stripe: Stripe): number => stripe.k + stripe.m
  /** stripes found with fewer than k live pieces, warned about once */
  const unrecoverable = new Set<string>()

  const own = async (cid: CID, signal?: AbortSignal): Promise<Uint8Array | null> => {
    try {
      return await store.get(cid, { signal })
    } catch (err) {
      if (!(err instanceof IntegrityError)) throw err
      const record = await store.record(cid)
      if (record !== null) await init.corrupt(record, signal)
      return null
    }
  }

  async function put (item: StripeItem, move: PieceMove, bytes: Uint8Array, leaving: boolean, signal?: AbortSignal): Promise<boolean> {
    const { stripe } = item
    const peer = item.candidates.find(p => p.toString() === move.to)
    if (peer === undefined) return false
    if (!leaving) await init.bucket.take(bytes.byteLength, { signal })
    try {
      await bounded(signal, async s => await chunks.put(peer, stripe.pieces[move.index], bytes, { target: pieceTarget(stripe, move.index), leases: stripe.leases, signal: s }))
      metrics.repairBytesSent += bytes.byteLength
      return true
    } catch (err) {
      if (signal?.aborted === true) throw err
      logger.debug({ stripe: stripe.id, piece: move.index, peer: move.to, err }, 'piece put failed')
      return false
    }
  }

  async function rebuildFor (item: StripeItem, moves: PieceMove[], leaving: boolean, signal?: AbortSignal): Promise<Map<number, Uint8Array> | null> {
    const { stripe, plan } = item
    if (plan === undefined) return null
    const { pieces, present } = await gatherPieces({
      stripe,
      sources: plan.sources,
      self: selfId,
      peer: id => item.candidates.find(p => p.toString() === id),
      own: async cid => await own(cid, signal),
      fetch: async (peer, cid, size) => {
        if (!leaving) await init.bucket.take(size, { signal })
        const bytes = await bounded(signal, async s => await chunks.get(peer, cid, { signal: s }))
        if (bytes !== null) metrics.repairBytesFetched += bytes.byteLength
        return bytes
      }
    })
    signal?.throwIfAborted()
    if (present < stripe.k) {
      logger.warn({ stripe: stripe.id, present, needed: stripe.k }, 'stripe not rebuilt: too few of its pieces could be fetched')
      return null
    }
    try {
      return rebuildWanted(stripe, pieces, moves.map(move => move.index))
    } catch (err) {
      logger.error({ stripe: stripe.id, err }, 'stripe not rebuilt')
      return null
    }
  }

  function noteRecoverable (item: StripeItem): void {
    const { stripe, plan } = item
    if (plan === undefined || !plan.isActor) return
    if (plan.missing.length > 0 && !plan.recoverable) {
      if (!unrecoverable.has(stripe.id)) {
        unrecoverable.add(stripe.id)
        logger.warn({ stripe: stripe.id, live: plan.sources.size, needed: stripe.k, pieces: width(stripe) }, 'stripe cannot be rebuilt: fewer than k of its pieces have a live holder')
      }
    } else if (unrecoverable.delete(stripe.id)) {
      logger.info({ stripe: stripe.id }, 'stripe has k live pieces again')
    }
    metrics.stripesUnrecoverable = unrecoverable.size
  }

  return {
    async itemsOf (records, signal) {
      const stripes = new Map<string, Stripe>()
      for (const record of records) {
        for (const group of leaseGroups(record, init.now())) {
          if (group.target.scheme === 'erasure') addStripeGroup(stripes, { ...group, target: group.target })
        }
      }
      const items: StripeItem[] = []
      for (const stripe of stripes.values()) {
        const mine = new Set<number>()
        for (const cid of distinctPieces(stripe)) {
          if (await store.has(cid)) stripe.pieces.forEach((piece, index) => { if (piece.equals(cid)) mine.add(index) })
        }
        const candidates = await bounded(signal, async s => await init.closestPeers(stripe.key, width(stripe) + init.slack, { signal: s }))
        items.push({ stripe, candidates, mine })
      }
      return items
    },

    questionsOf: items => items.flatMap(item => stripeQuestions(item.stripe, item.candidates, self)),

    plan (items, answers, leaving) {
      for (const item of items) {
        item.plan = planStripe({
          self: selfId,
          candidates: item.candidates.map(String),
          holds: stripeHolds(item.stripe, item.candidates, self, item.mine, answers),
          isBad: init.isBad,
          k: item.stripe.k,
          m: item.stripe.m,
          leaving
        })
      }
    },

    async widen (items, widen, signal) {
      const short = items.filter(item => (item.plan?.targets.length ?? 0) < width(item.stripe) && item.candidates.length >= width(item.stripe) + init.slack * (widen / 2))
      for (const item of short) {
        item.candidates = await bounded(signal, async s => await init.closestPeers(item.stripe.key, width(item.stripe) + init.slack * widen, { signal: s }))
      }
      return short
    },

    async audit (items, sample, pick, signal) {
      // every holder audits the holder of one other piece: fetching it is the proof
      const holding = items.filter(item => item.mine.size > 0 && item.plan !== undefined)
      for (let n = 0; n < sample && holding.length > 0; n++) {
        const [item] = holding.splice(pick(holding.length), 1)
        const others = [...(item.plan?.placed ?? [])].filter(([index, peer]) => peer !== selfId && !item.mine.has(index))
        if (others.length === 0) continue
        const [index, holder] = others[pick(others.length)]
        const peer = item.candidates.find(p => p.toString() === holder)
        if (peer === undefined) continue
        await init.bucket.take(item.stripe.sizes[index], { signal })
        await init.auditor.retrieve(peer, item.stripe.pieces[index], signal)
      }
    },

    async mayFree (item, signal) {
      const plan = item.plan
      if (plan?.free !== true) return false
      // the piece's bytes are here: a cheap AUDIT proves the target holds them, so a peer
      // that says HAS for what it lost never makes the last good copy go
      for (const index of item.mine) {
        const holder = item.candidates.find(p => p.toString() === plan.placed.get(index))
        const bytes = await own(item.stripe.pieces[index], signal)
        if (holder === undefined || bytes === null) return false
        if (!await init.auditor.audit(holder, item.stripe.pieces[index], bytes, signal)) return false
      }
      return true
    },

    async repair (item, leaving, signal) {
      const outcome: StripeOutcome = { placed: 0, failed: 0 }
      const plan = item.plan
      if (plan === undefined) return outcome
      if (!leaving) noteRecoverable(item)
      for (const move of plan.handOn) {
        const bytes = await own(item.stripe.pieces[move.index], signal)
        if (bytes !== null && await put(item, move, bytes, leaving, signal)) outcome.placed++
        else outcome.failed++
      }
      if (plan.rebuild.length > 0) {
        const rebuilt = await rebuildFor(item, plan.rebuild, leaving, signal)
        for (const move of plan.rebuild) {
          const bytes = rebuilt?.get(move.index)
          if (bytes !== undefined && await put(item, move, bytes, leaving, signal)) {
            outcome.placed++
            metrics.piecesRebuilt++
          } else {
            outcome.failed++
          }
        }
      }
      return outcome
    }
  }
}
