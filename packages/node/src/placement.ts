// Placement: each chunk goes to the `replicas` XOR-closest peers that accept it, and the
// pieces of an erasure-coded stripe to the k + m peers closest to the stripe (stripe-placement.ts).
// Refusals (full, integrity, rate limit, debt), dead peers and broken answers move on to
// the next-closest candidate; only running out of candidates fails the chunk. Every PUT
// carries its target and a lease signed by this node (version 2) when the node can sign.
import type { AbortOptions, PeerId } from '@libp2p/interface'
import debug from 'debug'
import { LRUCache } from 'lru-cache'
import type { CID } from 'multiformats/cid'
import PQueue from 'p-queue'
import { RemoteError, type Lease, type RedundancyTarget } from '@shoal/protocol'
import type { LeaseRecord } from '@shoal/store'
import { systemClock, type Clock, type Random } from '@shoal/runtime'
import { withDeadline } from './deadline.js'
import { InsufficientHoldersError, LookupFailedError } from './errors.js'
import { DEFAULT_LEASE_MS, wallTime, type LeaseSigner } from './leases.js'
import type { Ledger } from './ledger.js'
import { cachedLookup, KEPT_CHUNKS, type ChunkNetworkNode } from './lookup.js'
import { placeStripe, type StripePiece } from './stripe-placement.js'

const log = debug('shoal:placement')

/**
 * Chunks up to this size are PUT without asking HAS first: their bytes cost about what
 * the question does (bench/README.md, "Small chunks skip HAS").
 */
export const HAS_FIRST_ABOVE = 16 * 1024

/** How often a RATE_LIMITED peer is asked again before it counts as a refusal. */
const RATE_LIMIT_RETRIES = 5
const RATE_LIMIT_BACKOFF_MS = 100

/**
 * What placement needs of a node: lookups, a chunk client, its vault; and, to put with
 * leases, its lease signer, and its ledger to count what peers store for it.
 */
export type PlacementNode = ChunkNetworkNode & { readonly leases?: LeaseSigner | null, readonly ledger?: Ledger | null }

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
  /**
   * Signs this upload's lease on a chunk held for `target` (default: the node's signer,
   * for `leaseMs`). Without either, PUTs go out as version 1, with no lease.
   */
  lease?: (cid: CID, target: RedundancyTarget) => Lease
  /** how long the leases the node signs last (default DEFAULT_LEASE_MS, 90 days) */
  leaseMs?: number
}

export interface SinkPutOptions extends AbortOptions {
  /** what the chunk is kept for (default replicate: the sink's `replicas`); an erasure piece goes through putStripe */
  target?: RedundancyTarget
}

/** A ChunkSink (@shoal/client) that places chunks on the network. */
export interface NetworkSink {
  /**
   * Stores the chunk on `replicas` peers. True if any of them stored it now, false if
   * all already held it. `bytes` are not kept once this settles.
   * @throws InsufficientHoldersError when fewer than `replicas` peers could take it
   */
  put: (cid: CID, bytes: Uint8Array, options?: SinkPutOptions) => Promise<boolean>
  /**
   * Places the k + m pieces of an erasure-coded stripe (data pieces first, then parity)
   * on k + m distinct peers: piece i on the i-th closest to the stripe's key, a refused
   * piece on the next closest that holds no piece of the stripe. Resolves with, per
   * piece, whether its holder stored it now (`holders(cid)` names the holder).
   * @throws InsufficientHoldersError when a piece found no peer
   */
  putStripe: (pieces: StripePiece[], options: { k: number, m: number } & AbortOptions) => Promise<boolean[]>
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
  const lookups = new Map<number, ReturnType<typeof cachedLookup>>()
  const lookupFor = (wanted: number): ReturnType<typeof cachedLookup> => {
    let lookup = lookups.get(wanted)
    if (lookup === undefined) {
      lookup = cachedLookup(node, { count: init.candidates ?? wanted * 3 + 2, network: init.network, random: init.random })
      lookups.set(wanted, lookup)
    }
    return lookup
  }
  const requests = new PQueue({ concurrency: init.concurrency ?? 16 })
  const requestTimeoutMs = init.requestTimeoutMs ?? 30_000
  const lookupTimeoutMs = init.lookupTimeoutMs ?? 30_000
  const held = new LRUCache<string, PeerId[]>({ max: KEPT_CHUNKS })
  const self = node.peerId
  const leaseMs = init.leaseMs ?? DEFAULT_LEASE_MS
  const signer = node.leases ?? null
  const now = wallTime(clock)
  const signLease = init.lease ?? (signer === null ? null : (cid: CID, target: RedundancyTarget) => signer.lease(cid, target, now() + leaseMs))

  async function putOnce (peer: PeerId, cid: CID, bytes: Uint8Array, lease: Leased | null, signal: AbortSignal): Promise<boolean> {
    if (peer.equals(self)) {
      if (node.store === null) throw new Error('this node has no vault')
      return await node.store.put(cid, bytes, { signal, ...(lease !== null ? { leases: lease.records } : {}) })
    }
    const stored = await withDeadline(clock, requestTimeoutMs, [signal], async request => await node.chunks.put(peer, cid, bytes, {
      signal: request,
      ...(lease !== null ? { target: lease.target, leases: lease.leases } : {})
    }))
    if (stored) await node.ledger?.storedBy(peer.toString(), bytes.byteLength)
    return stored
  }

  // a busy peer is still the right place: wait and ask again rather than pass it by
  // (a loop on the injected clock, not p-retry's real timers)
  async function putTo (peer: PeerId, cid: CID, bytes: Uint8Array, lease: Leased | null, signal: AbortSignal): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await requests.add(async () => await putOnce(peer, cid, bytes, lease, signal), { signal })
      } catch (err) {
        if (!(err instanceof RemoteError && err.wireCode === 'RATE_LIMITED') || attempt >= RATE_LIMIT_RETRIES) throw err
        await clock.sleep(RATE_LIMIT_BACKOFF_MS * attempt, { signal })
      }
    }
  }

  function leased (cid: CID, target: RedundancyTarget): Leased | null {
    if (signLease === null) return null
    const lease = signLease(cid, target)
    // granted as a vault's lease rules record it: a DROP signed before now cannot end it
    return { target, leases: [lease], records: [{ ...lease, target, granted: now() }] }
  }

  async function holds (peer: PeerId, cid: CID, signal: AbortSignal): Promise<boolean> {
    try {
      if (peer.equals(self)) return await node.store?.has(cid) === true
      return await withDeadline(clock, requestTimeoutMs, [signal], async request => (await node.chunks.has(peer, [cid], { signal: request }))[0] === true)
    } catch {
      return false // it will be asked to store it, and refusals are handled there
    }
  }

  /** Gives a holder found by HAS this upload's lease; false when it could not (it is then PUT to). */
  async function leaseOn (peer: PeerId, cid: CID, lease: Leased | null, signal: AbortSignal): Promise<boolean> {
    if (lease === null) return true
    try {
      if (peer.equals(self)) return await node.store?.addLeases(cid, lease.records) === true
      return await withDeadline(clock, requestTimeoutMs, [signal], async request => await node.chunks.renew(peer, cid, lease.leases[0], { signal: request }))
    } catch {
      return false
    }
  }

  async function place (cid: CID, bytes: Uint8Array, wanted: number, signal: AbortSignal): Promise<boolean> {
    const candidates = await withDeadline(clock, lookupTimeoutMs, [signal], async request => await lookupFor(wanted)(cid, { signal: request }))
      .catch(err => { throw signal.aborted ? signal.reason : new LookupFailedError(cid.toString(), err) })
    signal.throwIfAborted()
    const lease = leased(cid, { scheme: 'replicate', replicas: wanted })
    const accepted = new Set<string>()
    // HAS first: the closest peers may hold it already (a re-upload, or dedup with
    // another upload), and then its bytes need not cross the network at all. Not for a
    // small chunk (a small file, a manifest): its bytes cost about what the question
    // does, and a holder answers a PUT of what it has with OK at once. (A holder found
    // by HAS keeps the chunk under the leases it has; renewing them is RENEW's work.)
    if (bytes.byteLength > HAS_FIRST_ABOVE) {
      const closest = candidates.slice(0, wanted)
      // a holder keeps it for this upload too: our lease goes to it by RENEW (no bytes), or
      // another owner's `rm` would free a chunk this upload counts on
      const already = await Promise.all(closest.map(async peer => await holds(peer, cid, signal) && await leaseOn(peer, cid, lease, signal)))
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
          const stored = await putTo(peer, cid, bytes, lease, signal)
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
    const results = await Promise.allSettled(Array.from({ length: wanted - accepted.size }, lane))
    const holders = candidates.filter(peer => accepted.has(peer.toString()))
    if (holders.length > 0) held.set(cid.toString(), holders)
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    if (holders.length < wanted) throw new InsufficientHoldersError(cid.toString(), holders.length, wanted, causes)
    return newly
  }

  return {
    async put (cid, bytes, options = {}) {
      const target = options.target ?? { scheme: 'replicate', replicas }
      if (target.scheme !== 'replicate') throw new RangeError('an erasure-coded piece is placed with its stripe: use putStripe')
      return await withDeadline(clock, undefined, [init.signal, options.signal], async signal => await place(cid, bytes, target.replicas, signal))
    },

    async putStripe (pieces, options) {
      return await withDeadline(clock, undefined, [init.signal, options.signal], async signal => {
        const { holders, stored } = await placeStripe(pieces, {
          k: options.k,
          m: options.m,
          signal,
          lookup: async (key, count) => await withDeadline(clock, lookupTimeoutMs, [signal], async request => await node.closestPeers(key, count, { signal: request })),
          put: async (peer, piece, target) => await putTo(peer, piece.cid, piece.bytes, leased(piece.cid, target), signal)
        })
        pieces.forEach((piece, i) => { held.set(piece.cid.toString(), [holders[i]]) })
        return stored
      })
    },

    holders (cid) {
      return [...(held.get(cid.toString()) ?? [])]
    }
  }
}

/** A PUT's target and this upload's lease, as the wire and the local store take them. */
interface Leased { target: RedundancyTarget, leases: Lease[], records: LeaseRecord[] }
