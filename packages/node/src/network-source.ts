// Fetching chunks from the network: the closest peers to a chunk are its holders. This is
// the HolderSource the swarming downloader (@shoal/client) asks one holder at a time; the
// swarm decides whom to ask, blames and retries. `get` alone asks the holders in order,
// once each, for a caller outside that pipeline.
import type { AbortOptions, PeerId } from '@libp2p/interface'
import debug from 'debug'
import { peerIdFromString } from '@libp2p/peer-id'
import type { CID } from 'multiformats/cid'
import { systemClock, type Clock, type Random } from '@shoal/runtime'
import { chunkKey } from './closest-peers.js'
import { LookupFailedError } from './errors.js'
import { withDeadline } from './deadline.js'
import { cachedLookup, type ChunkNetworkNode } from './lookup.js'
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
 * A ChunkSource (@shoal/client) backed by the network; as a HolderSource it also lets
 * the swarming downloader ask holders one by one.
 */
export interface NetworkSource {
  /** The chunk, verified against its CID, or null when no reachable holder has it (each holder asked once, closest first; a fresh lookup if the cached one finds none). */
  get: (cid: CID, options?: AbortOptions) => Promise<Uint8Array | null>
  /** The chunk's likely holders (peer IDs), XOR-closest first: one cached lookup per chunk. */
  holders: (cid: CID, options?: AbortOptions & { refresh?: boolean }) => Promise<string[]>
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
        const peers = options.refresh === true ? await freshLookup(cid, signal) : await cachedHolders(cid, signal)
        for (const peer of peers) known.set(peer.toString(), peer)
        return peers.map(String)
      })
    },

    async fetchFrom (holder, cid, options = {}) {
      const peer = known.get(holder) ?? peerIdFromString(holder)
      return await withDeadline(clock, undefined, [init.signal, options.signal], async signal => await getFrom(peer, cid, signal, false, options.allocate))
    },
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
