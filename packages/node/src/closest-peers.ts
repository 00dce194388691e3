// Which peers are closest to a chunk, in kad-dht's own keyspace, so the order we place
// in is the order the DHT (and every other node) would find: the Kademlia id of a key is
// sha256(key bytes) and of a peer sha256(peer id multihash bytes) — kad-dht's
// convertBuffer/convertPeerId, which the package does not export.
import { randomBytes } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { sha256 } from '@shoal/crypto'
import type { Store } from '@shoal/store'
import type { CID } from 'multiformats/cid'
import type { ChunkClient } from './chunk-client.js'

export interface ClosestPeersOptions { signal?: AbortSignal }

/** The Kademlia id kad-dht uses for a key (or a peer's multihash bytes). */
export function kadId (bytes: Uint8Array): Uint8Array {
  return sha256(bytes)
}

/** The Kademlia key of a chunk: the DHT is asked with the CID's multihash bytes. */
export function chunkKey (cid: CID): Uint8Array {
  return cid.multihash.bytes
}

/** Negative when `a` is XOR-closer to `target` than `b`. */
export function compareDistance (target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < target.length; i++) {
    const da = a[i] ^ target[i]
    const db = b[i] ^ target[i]
    if (da !== db) return da - db
  }
  return 0
}

/** Peers sorted XOR-closest first to the Kademlia id of `key`. */
export function sortByDistance (key: Uint8Array, peers: PeerId[]): PeerId[] {
  const target = kadId(key)
  return peers
    .map(peer => ({ peer, id: kadId(peer.toMultihash().bytes) }))
    .sort((a, b) => compareDistance(target, a.id, b.id))
    .map(({ peer }) => peer)
}

/**
 * Up to `count` peers closest to `key`, XOR-closest first: the DHT's FINAL_PEER answers,
 * the closest peers of our own routing table (a peer too busy to answer the lookup in
 * time is still a candidate; a dead one costs the caller one failed request), and this
 * node when it is a vault (kad-dht never lists itself).
 */
export async function findClosestPeers (libp2p: Libp2p<{ dht: KadDHT }>, includeSelf: boolean, key: Uint8Array, count: number, options: ClosestPeersOptions = {}): Promise<PeerId[]> {
  const found = new Map<string, PeerId>()
  if (includeSelf) found.set(libp2p.peerId.toString(), libp2p.peerId)
  // With an empty routing table kad-dht's query has nobody to ask and waits for its
  // signal instead of ending, so a lone node would sit out the whole deadline. The
  // table is public on kad-dht's class though not on its KadDHT interface.
  const table = routingTableOf(libp2p)
  if (table?.size === 0) return [...found.values()].slice(0, count)
  for await (const event of libp2p.services.dht.getClosestPeers(key, { signal: options.signal })) {
    if (event.name === 'FINAL_PEER') found.set(event.peer.id.toString(), event.peer.id)
  }
  options.signal?.throwIfAborted()
  for (const peer of table?.closestPeers?.(kadId(key), { count }) ?? []) found.set(peer.toString(), peer)
  return sortByDistance(key, [...found.values()]).slice(0, count)
}

/** What we read of kad-dht's routing table (public on its class, not on its KadDHT interface). */
interface RoutingTableView { size: number, closestPeers?: (kadId: Uint8Array, options: { count: number }) => Iterable<PeerId> }

/** kad-dht's routing table, or undefined if this kad-dht does not expose it. */
export function routingTableOf (libp2p: Libp2p<{ dht: KadDHT }>): RoutingTableView | undefined {
  return (libp2p.services.dht as { routingTable?: RoutingTableView }).routingTable
}

export interface PeerLookup {
  closestPeers: (key: Uint8Array, count: number, options?: ClosestPeersOptions) => Promise<PeerId[]>
}

/** kad-dht's bucket size (its default, which we keep): a lookup answers at most this many peers. */
export const DHT_K = 20

/**
 * How many chunks' answers an operation keeps: far more than it has in flight (tens),
 * so concurrent and nearby repeated asks share one, but bounded: an answer costs ~1.7 KB
 * of heap, and an upload of 100 GiB has ~100,000 chunks.
 */
export const KEPT_CHUNKS = 1024

/** Sets `key`, then forgets the oldest entries (a Map keeps insertion order) beyond `keep`. */
export function setBounded<K, V> (map: Map<K, V>, key: K, value: V, keep: number): void {
  map.set(key, value)
  for (const oldest of map.keys()) {
    if (map.size <= keep) break
    map.delete(oldest)
  }
}

/**
 * Holder candidates for the chunks of one operation (an upload or a download), with at
 * most one DHT query per chunk. First one lookup of a random key: a Kademlia lookup
 * answers the K closest peers that responded, so when it answers fewer than K the
 * network we can reach has fewer than K peers, every per-chunk lookup would answer that
 * same set, and the closest peers of each chunk are computed locally from it. In a
 * bigger network each chunk gets its own lookup. Either way the answers of the last
 * `keep` chunks are cached, concurrent asks share one query, and a failed one is
 * forgotten so it can be retried.
 */
export function cachedLookup (node: PeerLookup, count: number, network?: PeerId[], keep = KEPT_CHUNKS): (cid: CID, options: ClosestPeersOptions) => Promise<PeerId[]> {
  const cache = new Map<string, Promise<PeerId[]>>()
  // Peers a random-key lookup answered just before (a caller's join check): the same
  // answer our own first lookup would give, so it stands in for it.
  let view: Promise<PeerId[] | null> | undefined = network !== undefined && network.length > 0
    ? Promise.resolve(network.length < DHT_K ? network : null)
    : undefined

  const wholeNetwork = async (options: ClosestPeersOptions): Promise<PeerId[] | null> => {
    if (view === undefined) {
      const lookup = node.closestPeers(randomBytes(32), DHT_K + 1, options)
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
      setBounded(cache, name, lookup, keep)
      lookup.catch(() => { if (cache.get(name) === lookup) cache.delete(name) })
    }
    return await lookup
  }
}

/** Counts slots so at most `limit` requests are in flight at once. */
export class Slots {
  private free: number
  private readonly waiting: Array<() => void> = []
  constructor (limit: number) { this.free = Math.max(1, limit) }

  async run<T> (fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal)
    try {
      return await fn()
    } finally {
      const next = this.waiting.shift()
      if (next !== undefined) next()
      else this.free++
    }
  }

  private async acquire (signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    if (this.free > 0) { this.free--; return }
    await new Promise<void>((resolve, reject) => {
      const grant = (): void => { signal?.removeEventListener('abort', onAbort); resolve() }
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant)
        if (i >= 0) this.waiting.splice(i, 1)
        reject(signal?.reason)
      }
      this.waiting.push(grant)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}

/** The caller's signals and a deadline as one signal. */
export function anySignal (signals: Array<AbortSignal | undefined>, timeoutMs?: number): AbortSignal {
  const all = signals.filter((s): s is AbortSignal => s !== undefined)
  // an operation's signal is joined by one per request: hundreds at once are expected
  if (all.length > 0) setMaxListeners(0, ...all)
  if (timeoutMs !== undefined) all.push(AbortSignal.timeout(timeoutMs))
  return AbortSignal.any(all)
}

/** What the network sink and source need of a node: lookups, a chunk client, its own vault. */
export type ChunkNetworkNode = PeerLookup & { readonly peerId: PeerId, readonly chunks: ChunkClient, readonly store: Store | null }
