// Fetching chunks from the network: the closest peers to a chunk are its holders. This is
// the HolderSource the swarming downloader (@shoal/client) asks one holder at a time; the
// swarm decides whom to ask, blames and retries. `get` alone asks the holders in order,
// once each, for a caller outside that pipeline.
import type { AbortOptions, PeerId } from '@libp2p/interface'
import debug from 'debug'
import { peerIdFromString } from '@libp2p/peer-id'
import { LRUCache } from 'lru-cache'
import type { CID } from 'multiformats/cid'
import { MAX_HAS_CIDS } from '@shoal/protocol'
import { systemClock, type Clock, type Random } from '@shoal/runtime'
import { chunkKey, sortByDistance } from './closest-peers.js'
import { LookupFailedError } from './errors.js'
import { withDeadline } from './deadline.js'
import { cachedLookup, DHT_K, KEPT_CHUNKS, type ChunkNetworkNode } from './lookup.js'
import type { TransportRequestOptions } from './transport.js'

const log = debug('shoal:source')

export type SourceNode = ChunkNetworkNode

export interface NetworkSourceInit {
  /** ends every get of this source (the whole download) */
  signal?: AbortSignal
  /** peers asked of the DHT per chunk (default 11: replicas 3 * 3 + 2, as placement does) */
  candidates?: number
  /** deadline of one GET to one peer (default 30 s) */
  requestTimeoutMs?: number
  /** deadline of one closest-peers lookup (default 30 s) */
  lookupTimeoutMs?: number
  /**
   * Peers a lookup of a random key answered just before (the CLI's join check, asked for
   * DHT_K + 1): fewer than DHT_K means they are the whole reachable network, and this
   * download does not look again.
   */
  network?: PeerId[]
  /** time for deadlines (default real time) */
  clock?: Clock
  /** randomness for lookups (default node:crypto) */
  random?: Random
}

/**
 * Where the uploader placed a piece of an erasure-coded stripe: on the `index`-th of the
 * peers closest to the stripe's `key`, of `pieces` in all (Placement in @shoal/client).
 */
export interface PiecePlacement { key: Uint8Array, index: number, pieces: number }

export interface HoldersOptions extends AbortOptions {
  /** none of the holders answered before had it: a fresh lookup */
  refresh?: boolean
  /** look around the stripe's key, not the chunk's own address */
  placement?: PiecePlacement
}

/**
 * A ChunkSource (@shoal/client) backed by the network; as a HolderSource it also lets
 * the swarming downloader ask holders one by one.
 */
export interface NetworkSource {
  /** The chunk, verified against its CID, or null when no reachable holder has it (each holder asked once, closest first; a fresh lookup if the cached one finds none). */
  get: (cid: CID, options?: AbortOptions) => Promise<Uint8Array | null>
  /**
   * The chunk's likely holders (peer IDs), XOR-closest first: one cached lookup per chunk.
   * A piece of a stripe (`placement`): the peers closest to the stripe's key, the one its
   * index maps to first, then the others in order (one cached lookup per stripe).
   */
  holders: (cid: CID, options?: HoldersOptions) => Promise<string[]>
  /** Which of `cids` the holder holds (HAS, in batches of MAX_HAS_CIDS); throws when it cannot be asked. */
  has: (holder: string, cids: CID[], options?: AbortOptions) => Promise<boolean[]>
  /** The chunk as one holder sends it, unverified (the caller verifies), or null if it does not hold it. */
  fetchFrom: (holder: string, cid: CID, options?: TransportRequestOptions) => Promise<Uint8Array | null>
  /** the clock its deadlines run on, which a download through it uses too */
  readonly clock: Clock
}

export function createNetworkSource (node: SourceNode, init: NetworkSourceInit = {}): NetworkSource {
  const candidates = init.candidates ?? 11
  const clock = init.clock ?? systemClock
  const lookup = cachedLookup(node, { count: candidates, network: init.network, random: init.random })
  const requestTimeoutMs = init.requestTimeoutMs ?? 30_000
  const lookupTimeoutMs = init.lookupTimeoutMs ?? 30_000
  const self = node.peerId

  const known = new Map<string, PeerId>()
  const stripes = new LRUCache<string, Promise<PeerId[]>>({ max: KEPT_CHUNKS })

  /** The peers closest to a stripe's key: from the network view when it is the whole network, else a lookup. */
  async function stripeLookup (placement: PiecePlacement, refresh: boolean, signal: AbortSignal, cid: CID): Promise<PeerId[]> {
    const count = Math.max(candidates, placement.pieces + 2)
    const name = Buffer.from(placement.key).toString('hex')
    let lookup = refresh ? undefined : stripes.get(name)
    if (lookup === undefined) {
      const whole = init.network !== undefined && init.network.length > 0 && init.network.length < DHT_K && !refresh
      lookup = whole
        ? Promise.resolve(sortByDistance(placement.key, init.network as PeerId[]).slice(0, count))
        : typedLookup(cid, signal, async request => await node.closestPeers(placement.key, count, { signal: request }))
      stripes.set(name, lookup)
      lookup.catch(() => { if (stripes.get(name) === lookup) stripes.delete(name) })
    }
    return await lookup
  }

  /** The piece's own peer first (where it was put), then the rest of the stripe's, closest first. */
  function pieceOrder (peers: PeerId[], index: number): PeerId[] {
    if (index <= 0 || index >= peers.length) return peers
    return [peers[index], ...peers.slice(0, index), ...peers.slice(index + 1)]
  }

  /** A lookup of the chunk's own key, past every cached answer. */
  async function freshLookup (cid: CID, signal: AbortSignal): Promise<PeerId[]> {
    return await typedLookup(cid, signal, async request => await node.closestPeers(chunkKey(cid), candidates, { signal: request }))
  }

  async function cachedHolders (cid: CID, signal: AbortSignal): Promise<PeerId[]> {
    return await typedLookup(cid, signal, async request => await lookup(cid, { signal: request }))
  }

  /** A lookup under its deadline; its failure is a LookupFailedError, the caller's abort its reason. */
  async function typedLookup (cid: CID, signal: AbortSignal, fn: (signal: AbortSignal) => Promise<PeerId[]>): Promise<PeerId[]> {
    try {
      return await withDeadline(clock, lookupTimeoutMs, [signal], fn)
    } catch (err) {
      if (signal.aborted) throw signal.reason
      throw new LookupFailedError(cid.toString(), err)
    }
  }

  async function getFrom (peer: PeerId, cid: CID, signal: AbortSignal, verify = true, allocate?: (length: number) => Uint8Array): Promise<Uint8Array | null> {
    // our own vault verifies on read (and quarantines a bad blob)
    if (peer.equals(self)) return await (node.store?.get(cid, { signal }) ?? null)
    return await withDeadline(clock, requestTimeoutMs, [signal], async request => await node.chunks.get(peer, cid, { signal: request, verify, allocate }))
  }

  return {
    clock,
    async get (cid, options = {}) {
      return await withDeadline(clock, undefined, [init.signal, options.signal], async signal => await getChunk(cid, signal))
    },

    async holders (cid, options = {}) {
      return await withDeadline(clock, undefined, [init.signal, options.signal], async signal => {
        // refresh: the cached answer (or the operation's view of the network) let the
        // caller down; a lookup of its own for this chunk
        const placement = options.placement
        const peers = placement !== undefined
          ? pieceOrder(await stripeLookup(placement, options.refresh === true, signal, cid), placement.index)
          : options.refresh === true ? await freshLookup(cid, signal) : await cachedHolders(cid, signal)
        for (const peer of peers) known.set(peer.toString(), peer)
        return peers.map(String)
      })
    },

    async fetchFrom (holder, cid, options = {}) {
      const peer = known.get(holder) ?? peerIdFromString(holder)
      return await withDeadline(clock, undefined, [init.signal, options.signal], async signal => await getFrom(peer, cid, signal, false, options.allocate))
    },

    async has (holder, cids, options = {}) {
      const peer = known.get(holder) ?? peerIdFromString(holder)
      return await withDeadline(clock, undefined, [init.signal, options.signal], async signal => {
        if (peer.equals(self)) {
          const store = node.store
          return await Promise.all(cids.map(async cid => await store?.has(cid) === true))
        }
        const held: boolean[] = []
        for (let i = 0; i < cids.length; i += MAX_HAS_CIDS) {
          const batch = cids.slice(i, i + MAX_HAS_CIDS)
          held.push(...await withDeadline(clock, requestTimeoutMs, [signal], async request => await node.chunks.has(peer, batch, { signal: request })))
        }
        return held
      })
    }
  }

  async function getChunk (cid: CID, signal: AbortSignal): Promise<Uint8Array | null> {
    const asked = new Set<string>()
    const tryEach = async (holders: PeerId[]): Promise<Uint8Array | null> => {
      for (const peer of holders) {
        if (asked.has(peer.toString())) continue
        asked.add(peer.toString())
        try {
          const bytes = await getFrom(peer, cid, signal)
          if (bytes !== null) return bytes
        } catch (err) {
          if (signal.aborted) throw signal.reason
          log('%p failed to send %s: %s', peer, cid, (err as Error).message)
        }
      }
      return null
    }
    return await tryEach(await cachedHolders(cid, signal)) ?? await tryEach(await freshLookup(cid, signal))
  }
}
