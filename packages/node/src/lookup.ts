// Holder candidates for the chunks of one operation, with as few lookups as the network
// allows. Runs over anything that answers closestPeers: kad-dht in a libp2p node, the
// membership of the in-memory network.
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { LRUCache } from 'lru-cache'
import type { CID } from 'multiformats/cid'
import { systemRandom, type Random } from '@shoal/runtime'
import type { Store } from '@shoal/store'
import type { ChunkClient } from './chunk-client.js'
import { chunkKey, sortByDistance } from './closest-peers.js'

export interface PeerLookup {
  closestPeers: (key: Uint8Array, count: number, options?: AbortOptions) => Promise<PeerId[]>
}

/** What the network sink and source need of a node: lookups, a chunk client, its own vault. */
export type ChunkNetworkNode = PeerLookup & { readonly peerId: PeerId, readonly chunks: ChunkClient, readonly store: Store | null }

/** kad-dht's bucket size (its default, which we keep): a lookup answers at most this many peers. */
export const DHT_K = 20

/**
 * How many chunks' answers an operation keeps: far more than it has in flight (tens),
 * so concurrent and nearby repeated asks share one, but bounded: an answer costs ~1.7 KB
 * of heap, and an upload of 100 GiB has ~100,000 chunks.
 */
export const KEPT_CHUNKS = 1024

export interface CachedLookupInit {
  /** candidates per chunk */
  count: number
  /** a random-key lookup's answer made just before (a caller's join check): stands in for the first one */
  network?: PeerId[]
  /** answers kept (default KEPT_CHUNKS) */
  keep?: number
  /** where the random key comes from (default node:crypto) */
  random?: Random
}

/**
 * Holder candidates for the chunks of one operation (an upload or a download), with at
 * most one lookup per chunk. First one lookup of a random key: a Kademlia lookup answers
 * the K closest peers that responded, so when it answers fewer than K the network we can
 * reach has fewer than K peers, every per-chunk lookup would answer that same set, and
 * the closest peers of each chunk are computed locally from it. In a bigger network each
 * chunk gets its own lookup. Either way the answers of the last `keep` chunks are cached,
 * concurrent asks share one query, and a failed one is forgotten so it can be retried.
 */
export function cachedLookup (node: PeerLookup, init: CachedLookupInit): (cid: CID, options: AbortOptions) => Promise<PeerId[]> {
  const { count, network } = init
  const random = init.random ?? systemRandom
  const cache = new LRUCache<string, Promise<PeerId[]>>({ max: init.keep ?? KEPT_CHUNKS })
  let view: Promise<PeerId[] | null> | undefined = network !== undefined && network.length > 0
    ? Promise.resolve(network.length < DHT_K ? network : null)
    : undefined

  const wholeNetwork = async (options: AbortOptions): Promise<PeerId[] | null> => {
    if (view === undefined) {
      const lookup = node.closestPeers(random.bytes(32), DHT_K + 1, options)
        .then(peers => peers.length < DHT_K ? peers : null)
      view = lookup
      lookup.catch(() => { if (view === lookup) view = undefined })
    }
    return await view
  }

  return async (cid, options) => {
    const name = cid.toString()
    let lookup = cache.get(name)
    if (lookup === undefined) {
      lookup = wholeNetwork(options).then(async peers => peers !== null
        ? sortByDistance(chunkKey(cid), peers).slice(0, count)
        : await node.closestPeers(chunkKey(cid), count, options))
      cache.set(name, lookup)
      lookup.catch(() => { if (cache.get(name) === lookup) cache.delete(name) })
    }
    return await lookup
  }
}
