// Re-hashing this vault's own blobs in the background, at a bounded rate, from a cursor
// kept in the index: the store's get checks a blob against its CID and quarantines one
// that fails. A corrupt chunk is fetched again from another holder of the same CID (the
// chunk client verifies what it gets), near the chunk's key or its stripe's; a piece of a
// stripe that nobody else holds is rebuilt from k other pieces. It is stored again with
// the leases it had.
import type { PeerId } from '@libp2p/interface'
import { IntegrityError } from '@shoal/store'
import type { Clock } from '@shoal/runtime'
import { CID } from 'multiformats/cid'
import { chunkKey } from '../closest-peers.js'
import { withDeadline } from '../deadline.js'
import type { NodeLogger } from '../logger.js'
import { hasRound } from './has-round.js'
import { leaseGroups } from './lease-groups.js'
import { gatherPieces, rebuildWanted } from './stripe-rebuild.js'
import { addStripeGroup, indexesOf, stripeHolds, stripeQuestions, type Stripe } from './stripes.js'
import type { ChunkRecord, ClosestPeers, RepairChunks, RepairStore } from './types.js'

export const SCRUB_CURSOR = 'repair:scrub-cursor'
const PAGE = 64

export interface ScrubberInit {
  self: PeerId
  store: Pick<RepairStore, 'get' | 'has' | 'put' | 'addLeases' | 'records' | 'getMeta' | 'setMeta'>
  chunks: Pick<RepairChunks, 'get' | 'has'>
  closestPeers: ClosestPeers
  clock: Clock
  /** wall time, ms since 1970: which leases are current */
  now: () => number
  timeoutMs: number
  /** how many other peers are asked for a good copy */
  askPeers: number
  logger: NodeLogger
}

export interface Scrubber {
  /** Re-hashes blobs from the cursor on until about `budgetBytes` were read (at least one). */
  step: (budgetBytes: number, signal?: AbortSignal) => Promise<void>
  /** Fetches (or rebuilds) a good copy of a chunk found corrupt (and quarantined) here. */
  replace: (record: ChunkRecord, signal?: AbortSignal) => Promise<void>
  readonly scrubbed: number
  readonly replaced: number
}

export function createScrubber (init: ScrubberInit): Scrubber {
  const { self, store, chunks, clock, logger } = init
  let scrubbed = 0
  let replaced = 0
  const bounded = async <T>(signal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    await withDeadline(clock, init.timeoutMs, [signal], fn)

  /** The same CID from one of the peers closest to `key`, or null. */
  async function copyNear (key: Uint8Array, cid: CID, signal?: AbortSignal): Promise<Uint8Array | null> {
    const peers = await bounded(signal, async s => await init.closestPeers(key, init.askPeers + 1, { signal: s }))
    for (const peer of peers) {
      if (peer.equals(self)) continue
      try {
        const bytes = await bounded(signal, async s => await chunks.get(peer, cid, { signal: s }))
        if (bytes !== null) return bytes
      } catch (err) {
        if (signal?.aborted === true) throw err
        // unreachable, or it sent bad bytes too: ask the next
      }
    }
    return null
  }

  /** The piece `cid` of `stripe` rebuilt from k other pieces that the stripe's closest peers (or this vault) hold, or null. */
  async function rebuildPiece (stripe: Stripe, cid: CID, signal?: AbortSignal): Promise<Uint8Array | null> {
    const candidates = await bounded(signal, async s => await init.closestPeers(stripe.key, stripe.k + stripe.m + init.askPeers, { signal: s }))
    const answers = await hasRound(chunks, clock, init.timeoutMs, stripeQuestions(stripe, candidates, self), signal)
    const mine = new Set<number>()
    for (const [index, piece] of stripe.pieces.entries()) if (!piece.equals(cid) && await store.has(piece)) mine.add(index)
    const sources = new Map<number, string[]>()
    for (const [peer, held] of stripeHolds(stripe, candidates, self, mine, answers)) {
      for (const index of held) if (!stripe.pieces[index].equals(cid)) sources.set(index, [...(sources.get(index) ?? []), peer])
    }
    const { pieces, present } = await gatherPieces({
      stripe,
      sources,
      self: self.toString(),
      peer: id => candidates.find(p => p.toString() === id),
      own: async piece => await store.get(piece, { signal }).catch(() => null),
      fetch: async (peer, piece) => await bounded(signal, async s => await chunks.get(peer, piece, { signal: s }))
    })
    if (present < stripe.k) return null
    const [index] = indexesOf(stripe, cid)
    return rebuildWanted(stripe, pieces, [index]).get(index) ?? null
  }

  async function replace (record: ChunkRecord, signal?: AbortSignal): Promise<void> {
    const { cid } = record
    const groups = leaseGroups(record, init.now())
    const stripes = new Map<string, Stripe>()
    for (const group of groups) if (group.target.scheme === 'erasure') addStripeGroup(stripes, { ...group, target: group.target })
    const keys = [...(stripes.size < groups.length || groups.length === 0 ? [chunkKey(cid)] : []), ...[...stripes.values()].map(s => s.key)]
    let bytes: Uint8Array | null = null
    let how = 'fetched from another holder'
    for (const key of keys) {
      bytes = await copyNear(key, cid, signal)
      if (bytes !== null) break
    }
    for (const stripe of stripes.values()) {
      if (bytes !== null) break
      try {
        bytes = await rebuildPiece(stripe, cid, signal)
        how = 'rebuilt from other pieces of its stripe'
      } catch (err) {
        if (signal?.aborted === true) throw err
        logger.warn({ cid: cid.toString(), stripe: stripe.id, err }, 'corrupt piece not rebuilt')
      }
    }
    if (bytes === null) {
      logger.error({ cid: cid.toString() }, 'corrupt chunk quarantined; no other holder had a good copy')
      return
    }
    // a pinned chunk (a local vault's) stays pinned: a put without leases pins it
    if (record.pinned) {
      await store.put(cid, bytes)
      if (record.leases.length > 0) await store.addLeases(cid, record.leases)
    } else {
      await store.put(cid, bytes, { leases: record.leases })
    }
    replaced++
    logger.info({ cid: cid.toString(), how }, 'corrupt chunk replaced')
  }

  return {
    async step (budgetBytes, signal) {
      const saved = await store.getMeta(SCRUB_CURSOR)
      let after = typeof saved === 'string' ? CID.parse(saved) : undefined
      let read = 0
      while (read === 0 || read < budgetBytes) {
        const page = await store.records({ after, limit: PAGE })
        if (page.length === 0) { after = undefined; break }
        for (const record of page) {
          signal?.throwIfAborted()
          after = record.cid
          read += record.size
          try {
            await store.get(record.cid, { signal })
            scrubbed++
          } catch (err) {
            if (!(err instanceof IntegrityError)) throw err
            await replace(record, signal)
          }
          if (read >= budgetBytes) break
        }
        if (page.length < PAGE && read < budgetBytes) { after = undefined; break }
      }
      await store.setMeta(SCRUB_CURSOR, after?.toString())
    },
    replace,
    get scrubbed () { return scrubbed },
    get replaced () { return replaced }
  }
}
