// Placement: each chunk goes to the `replicas` XOR-closest peers that accept it.
// Refusals (full, integrity, rate limit), dead peers and broken answers move on to the
// next-closest candidate; only running out of candidates fails the chunk.
import type { AbortOptions, PeerId } from '@libp2p/interface'
import debug from 'debug'
import { LRUCache } from 'lru-cache'
import type { CID } from 'multiformats/cid'
import PQueue from 'p-queue'
import { RemoteError } from '@shoal/protocol'
import { systemClock, type Clock, type Random } from '@shoal/runtime'
import { withDeadline } from './deadline.js'
import { InsufficientHoldersError, LookupFailedError } from './errors.js'
import { cachedLookup, KEPT_CHUNKS, type ChunkNetworkNode } from './lookup.js'

const log = debug('shoal:placement')

/**
 * Chunks up to this size are PUT without asking HAS first: their bytes cost about what
 * the question does (bench/README.md, "Small chunks skip HAS").
 */
export const HAS_FIRST_ABOVE = 16 * 1024

/** How often a RATE_LIMITED peer is asked again before it counts as a refusal. */
const RATE_LIMIT_RETRIES = 5
const RATE_LIMIT_BACKOFF_MS = 100

export type PlacementNode = ChunkNetworkNode

export interface NetworkSinkInit {
  /** holders wanted per chunk (default 3) */
  replicas?: number
  /** ends every put of this sink (the whole upload) */
  signal?: AbortSignal
  /** candidates asked of the DHT per chunk (default replicas * 3 + 2) */
  candidates?: number
  /** Like NetworkSourceInit.network: a fresh random-key lookup's answer, so the upload skips its own. */
  network?: PeerId[]
  /** PUT requests in flight at once across all chunks (default 16) */
  concurrency?: number
  /** deadline of one PUT to one peer (default 30 s) */
  requestTimeoutMs?: number
  /** deadline of one closest-peers lookup (default 30 s) */
  lookupTimeoutMs?: number
  /** time for deadlines and backoff (default real time) */
  clock?: Clock
  /** randomness for lookups (default node:crypto) */
  random?: Random
}

/** A ChunkSink (@shoal/client) that places chunks on the network. */
export interface NetworkSink {
  /**
   * Stores the chunk on `replicas` peers. True if any of them stored it now, false if
   * all already held it. `bytes` are not kept once this settles.
   * @throws InsufficientHoldersError when fewer than `replicas` peers could take it
   */
  put: (cid: CID, bytes: Uint8Array, options?: AbortOptions) => Promise<boolean>
  /**
   * The peers known to hold the chunk after its put, XOR-closest first; empty if it was
   * never put, or not among the last KEPT_CHUNKS (1,024) chunks put.
   */
  holders: (cid: CID) => PeerId[]
}

export function createNetworkSink (node: PlacementNode, init: NetworkSinkInit = {}): NetworkSink {
  const replicas = init.replicas ?? 3
  if (!Number.isInteger(replicas) || replicas < 1) throw new RangeError(`replicas must be a positive integer, got ${replicas}`)
  const clock = init.clock ?? systemClock
  const lookup = cachedLookup(node, { count: init.candidates ?? replicas * 3 + 2, network: init.network, random: init.random })
  const requests = new PQueue({ concurrency: init.concurrency ?? 16 })
  const requestTimeoutMs = init.requestTimeoutMs ?? 30_000
  const lookupTimeoutMs = init.lookupTimeoutMs ?? 30_000
  const held = new LRUCache<string, PeerId[]>({ max: KEPT_CHUNKS })
  const self = node.peerId

  async function putTo (peer: PeerId, cid: CID, bytes: Uint8Array, signal: AbortSignal): Promise<boolean> {
    if (peer.equals(self)) {
      if (node.store === null) throw new Error('this node has no vault')
      return await node.store.put(cid, bytes, { signal })
    }
    // a busy peer is still the right place: wait and ask again rather than pass it by
    // (a loop on the injected clock, not p-retry's real timers)
    for (let attempt = 1; ; attempt++) {
      try {
        return await withDeadline(clock, requestTimeoutMs, [signal], async request => await node.chunks.put(peer, cid, bytes, { signal: request }))
      } catch (err) {
        if (!(err instanceof RemoteError && err.wireCode === 'RATE_LIMITED') || attempt >= RATE_LIMIT_RETRIES) throw err
        await clock.sleep(RATE_LIMIT_BACKOFF_MS * attempt, { signal })
      }
    }
  }

  async function holds (peer: PeerId, cid: CID, signal: AbortSignal): Promise<boolean> {
    try {
      if (peer.equals(self)) return await node.store?.has(cid) === true
      return await withDeadline(clock, requestTimeoutMs, [signal], async request => (await node.chunks.has(peer, [cid], { signal: request }))[0] === true)
    } catch {
      return false // it will be asked to store it, and refusals are handled there
    }
  }

  async function place (cid: CID, bytes: Uint8Array, signal: AbortSignal): Promise<boolean> {
    const candidates = await withDeadline(clock, lookupTimeoutMs, [signal], async request => await lookup(cid, { signal: request }))
      .catch(err => { throw signal.aborted ? signal.reason : new LookupFailedError(cid.toString(), err) })
    signal.throwIfAborted()
    const accepted = new Set<string>()
    // HAS first: the closest peers may hold it already (a re-upload, or dedup with
    // another upload), and then its bytes need not cross the network at all. Not for a
    // small chunk (a small file, a manifest): its bytes cost about what the question
    // does, and a holder answers a PUT of what it has with OK at once.
    if (bytes.byteLength > HAS_FIRST_ABOVE) {
      const closest = candidates.slice(0, replicas)
      const already = await Promise.all(closest.map(async peer => await holds(peer, cid, signal)))
      closest.forEach((peer, i) => { if (already[i]) accepted.add(peer.toString()) })
    }
    const order = candidates.filter(peer => !accepted.has(peer.toString()))
    let next = 0
    let newly = false
    const causes: unknown[] = []
    // one lane per missing replica, each walks down the candidate list until one peer accepts
    const lane = async (): Promise<void> => {
      while (next < order.length) {
        const peer = order[next++]
        try {
          const stored = await requests.add(async () => await putTo(peer, cid, bytes, signal), { signal })
          accepted.add(peer.toString())
          if (stored) newly = true
          return
        } catch (err) {
          if (signal.aborted) throw signal.reason
          log('%p refused %s: %s', peer, cid, (err as Error).message)
          causes.push(err)
        }
      }
    }
    const results = await Promise.allSettled(Array.from({ length: replicas - accepted.size }, lane))
    const holders = candidates.filter(peer => accepted.has(peer.toString()))
    if (holders.length > 0) held.set(cid.toString(), holders)
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    if (holders.length < replicas) throw new InsufficientHoldersError(cid.toString(), holders.length, replicas, causes)
    return newly
  }

  return {
    async put (cid, bytes, options = {}) {
      return await withDeadline(clock, undefined, [init.signal, options.signal], async signal => await place(cid, bytes, signal))
    },

    holders (cid) {
      return [...(held.get(cid.toString()) ?? [])]
    }
  }
}
