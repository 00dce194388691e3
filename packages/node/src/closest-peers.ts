// Which peers are closest to a chunk, in kad-dht's own keyspace, so the order we place
// in is the order the DHT (and every other node) would find: the Kademlia id of a key is
// sha256(key bytes) and of a peer sha256(peer id multihash bytes) — kad-dht's
// convertBuffer/convertPeerId, which the package does not export.
import type { AbortOptions, Libp2p, PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { sha256 } from '@shoal/crypto'
import type { CID } from 'multiformats/cid'

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
export async function findClosestPeers (libp2p: Libp2p<{ dht: KadDHT }>, includeSelf: boolean, key: Uint8Array, count: number, options: AbortOptions = {}): Promise<PeerId[]> {
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

/**
 * Up to `count` peers closest to `key` from our own routing table alone (and this node,
 * when a vault), closest first: no network lookup. Kademlia keeps a vault's table most
 * complete near its own ID, which is where the chunks it holds live, so this is what the
 * repair loop asks once per chunk (docs/durability.md). A peer listed may be gone: the
 * caller's HAS round finds out.
 */
export function localClosestPeers (libp2p: Libp2p<{ dht: KadDHT }>, includeSelf: boolean, key: Uint8Array, count: number): PeerId[] {
  const found = new Map<string, PeerId>()
  if (includeSelf) found.set(libp2p.peerId.toString(), libp2p.peerId)
  for (const peer of routingTableOf(libp2p)?.closestPeers?.(kadId(key), { count }) ?? []) found.set(peer.toString(), peer)
  return sortByDistance(key, [...found.values()]).slice(0, count)
}
