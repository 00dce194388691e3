// Fetching chunks from the network: the closest peers to a chunk are its holders; ask
// them XOR-closest first. A peer that sends bad bytes, errs
// or cannot be reached is blamed and not asked again for the life of this source, but for
// one last ask of a chunk no other holder had (see get).
import type { PeerId } from '@libp2p/interface'
import debug from 'debug'
import { peerIdFromString } from '@libp2p/peer-id'
import type { CID } from 'multiformats/cid'
import { systemClock, type Clock, type Random } from '@shoal/runtime'
import { chunkKey } from './closest-peers.js'
import { withDeadline } from './deadline.js'
import { cachedLookup, type ChunkNetworkNode } from './lookup.js'
import { PeerIntegrityError } from './errors.js'

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
  /** The chunk, verified against its CID, or null when no reachable holder has it. */
  get: (cid: CID, options?: { signal?: AbortSignal }) => Promise<Uint8Array | null>
  /** The chunk's likely holders (peer IDs), XOR-closest first: one cached lookup per chunk. */
  holders: (cid: CID, options?: { signal?: AbortSignal, refresh?: boolean }) => Promise<string[]>
  /** The chunk as one holder sends it, unverified (the caller verifies), or null if it does not hold it. */
  fetchFrom: (holder: string, cid: CID, options?: { signal?: AbortSignal, allocate?: (length: number) => Uint8Array }) => Promise<Uint8Array | null>
  /** Peers this source stopped asking, with why. */
  blamed: () => Map<string, Error>
}

export function createNetworkSource (node: SourceNode, init: NetworkSourceInit = {}): NetworkSource {
  const candidates = init.candidates ?? 11
  const clock = init.clock ?? systemClock
  const lookup = cachedLookup(node, { count: candidates, network: init.network, random: init.random })
  const requestTimeoutMs = init.requestTimeoutMs ?? 30_000
  const lookupTimeoutMs = init.lookupTimeoutMs ?? 30_000
  const blame = new Map<string, Error>()
  const self = node.peerId

  const known = new Map<string, PeerId>()

  /** A lookup of the chunk's own key, past every cached answer. */
  async function freshLookup (cid: CID, signal: AbortSignal): Promise<PeerId[]> {
    return await withDeadline(clock, lookupTimeoutMs, [signal], async request => await node.closestPeers(chunkKey(cid), candidates, { signal: request }))
  }

  async function cachedHolders (cid: CID, signal: AbortSignal): Promise<PeerId[]> {
    return await withDeadline(clock, lookupTimeoutMs, [signal], async request => await lookup(cid, { signal: request }))
  }

  async function getFrom (peer: PeerId, cid: CID, signal: AbortSignal, verify = true, allocate?: (length: number) => Uint8Array): Promise<Uint8Array | null> {
    // our own vault verifies on read (and quarantines a bad blob)
    if (peer.equals(self)) return await (node.store?.get(cid, { signal }) ?? null)
    return await withDeadline(clock, requestTimeoutMs, [signal], async request => await node.chunks.get(peer, cid, { signal: request, verify, allocate }))
  }

  return {
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

    blamed () {
      return new Map(blame)
    }
  }

  async function getChunk (cid: CID, signal: AbortSignal): Promise<Uint8Array | null> {
    const asked = new Set<string>()
    const tryAll = async (holders: PeerId[]): Promise<Uint8Array | null> => {
      for (const peer of holders) {
        const name = peer.toString()
        if (blame.has(name) || asked.has(name)) continue
        asked.add(name)
        try {
          const bytes = await getFrom(peer, cid, signal)
          if (bytes !== null) return bytes
        } catch (err) {
          if (signal.aborted) throw signal.reason
          log('blaming %p for %s: %s', peer, cid, (err as Error).message)
          blame.set(name, err as Error)
        }
      }
      return null
    }
    const cached = await cachedHolders(cid, signal)
    const found = await tryAll(cached)
    if (found !== null) return found
    // None of the cached holders has it (the operation's view of the network may have
    // been partial): one fresh lookup of this chunk before calling it missing, as the
    // swarming downloader does.
    const fresh = await freshLookup(cid, signal)
    const refound = await tryAll(fresh)
    if (refound !== null) return refound
    // Last resort, as the swarm's: holders blamed for a failure (never for bad bytes) are
    // asked once more; with r - 1 holders down, one timeout or reset must not lose the
    // last copy. One that fails again is blamed again.
    const failed = [...cached, ...fresh].filter(peer => {
      const why = blame.get(peer.toString())
      return why !== undefined && !(why instanceof PeerIntegrityError)
    })
    for (const peer of failed) {
      blame.delete(peer.toString())
      asked.delete(peer.toString())
    }
    return await tryAll(failed)
  }
}
