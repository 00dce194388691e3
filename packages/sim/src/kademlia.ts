// A Kademlia routing model for the memory network's membership seam: every simulated node
// keeps its own routing table (kademlia-table.ts), filled as it meets peers (bootstrap and
// a lookup of its own ID when it joins, answers to its lookups, lookups and requests that
// reach it) and emptied of peers found dead (a lookup's message timed out, a full bucket's
// ping went unanswered). A lookup is an iterative walk over those tables
// (kademlia-lookup.ts) that costs the asker its messages' latencies, and a vault's repair
// loop reads its own table, as a libp2p vault does. What it answers can be incomplete or
// stale, as a real DHT's can.
import type { PeerId } from '@libp2p/interface'
import { DHT_K, kadId, type MembershipIndex } from '@shoal/node/memory'
import type { Random } from '@shoal/runtime'
import { walk, type WalkResult, type WalkWorld } from './kademlia-lookup.js'
import { compareTo, pointOf, RoutingTable, type KadPoint, type TableShape } from './kademlia-table.js'
import { createLookupStats, type LookupStats } from './lookup-stats.js'
import { createMembershipIndex } from './membership.js'

export interface KademliaInit {
  random: Random
  /** the virtual clock's now, ms */
  now: () => number
  /** whether the node with this peer ID answers now */
  reachable: (id: string) => boolean
  /** one-way access latency of a node, ms (a message pays the sender's and the receiver's) */
  latencyMs: (id: string) => number
  /** default `kad-dht`: the table our node's DHT keeps; `kademlia`: the paper's */
  shape?: TableShape
  /** peers asked at once per path (default: kad-dht's 10; 3 for `kademlia`, the paper's) */
  alpha?: number
  /** disjoint paths (default: kad-dht's, one per alpha; 1 for `kademlia`) */
  paths?: number
  /** bucket size and answers per message (default DHT_K, kad-dht's) */
  k?: number
  /** what a message to a peer that is down costs: kad-dht's adaptive request timeout, at least 5 s */
  deadPeerMs?: number
  /** peers a node dials when it joins (default 3) */
  bootstrapPeers?: number
  /** told of every walk a node asked for (not those of joins), after `stats` counted it */
  onWalk?: (walk: WalkResult<unknown>) => void
}

/** The membership seam answered by a routing model, with what its lookups cost. */
export type KademliaMembership = Required<MembershipIndex> & {
  readonly stats: LookupStats
  /** the peers in a node's routing table (tests) */
  tableOf: (peer: PeerId) => PeerId[]
}

interface Peer extends KadPoint {
  readonly peerId: PeerId
  readonly name: string
  /** a vault (a DHT server): others add it to their tables */
  readonly server: boolean
  table: RoutingTable<Peer> | null
  left: boolean
}

const DHT_REQUEST_TIMEOUT_MS = 5000

export function createKademlia (init: KademliaInit): KademliaMembership {
  const shape = init.shape ?? 'kad-dht'
  const k = init.k ?? DHT_K
  const alpha = init.alpha ?? (shape === 'kad-dht' ? 10 : 3)
  const paths = init.paths ?? (shape === 'kad-dht' ? alpha : 1)
  const bootstrapPeers = init.bootstrapPeers ?? 3
  const oracle = createMembershipIndex()
  const stats = createLookupStats(shape)
  const peers = new Map<string, Peer>()
  // vaults that joined and have not left, for drawing bootstrap peers
  const live: Peer[] = []

  const answers = (peer: Peer): boolean => !peer.left && peer.server && init.reachable(peer.name)
  const world: WalkWorld<Peer> = {
    tableOf: peer => peer.table,
    answers,
    roundTripMs: (from, to) => 2 * (init.latencyMs(from.name) + init.latencyMs(to.name)),
    deadPeerMs: init.deadPeerMs ?? DHT_REQUEST_TIMEOUT_MS,
    k,
    alpha,
    paths,
    random: init.random
  }

  const known = (peerId: PeerId, server: boolean): Peer => {
    const name = peerId.toString()
    let peer = peers.get(name)
    if (peer === undefined) {
      peer = { ...pointOf(kadId(peerId.toMultihash().bytes)), peerId, name, server, table: null, left: false }
      peer.table = new RoutingTable(peer, shape, k)
      peers.set(name, peer)
      join(peer)
    }
    return peer
  }
  // Two peers in touch: each files the other if it serves the DHT.
  const meet = (a: Peer, b: Peer): void => {
    const now = init.now()
    if (b.server && !b.left) a.table?.add(b, now, answers)
    if (a.server && !a.left) b.table?.add(a, now, answers)
  }
  // Dials a few vaults, then looks up its own ID, as kad-dht's first self-query does.
  const join = (peer: Peer): void => {
    for (let tries = 0; tries < 4 * bootstrapPeers && (peer.table?.size ?? 0) < bootstrapPeers && live.length > 0; tries++) {
      const other = live[init.random.int(live.length)]
      if (other !== peer && answers(other)) meet(peer, other)
    }
    if (peer.table !== null) settle(peer, walk(world, peer.table, peer))
  }
  // What a walk taught its asker: who answered (and are now tables' entries), who is dead.
  const settle = (asker: Peer, result: WalkResult<Peer>): void => {
    for (const peer of result.answered) meet(asker, peer)
    for (const peer of result.silent) asker.table?.remove(peer)
  }
  // The asker's answer, as findClosestPeers gives it: the walk's closest, its own table's, itself if a vault.
  const answer = (asker: Peer, target: KadPoint, found: Peer[], count: number): PeerId[] => {
    const all = new Set<Peer>([...found, ...(asker.table?.closest(target, count) ?? [])])
    if (asker.server) all.add(asker)
    return [...all].sort((a, b) => compareTo(target, a, b)).slice(0, count).map(p => p.peerId)
  }

  // Whether an answer lists the closest vault that is up (of the eight closest that have
  // not left, by the membership); undefined when all eight are down.
  const foundClosestUp = (key: Uint8Array, found: PeerId[]): boolean | undefined => {
    const closest = oracle.closest(key, 8).find(p => { const peer = peers.get(p.toString()); return peer !== undefined && answers(peer) })
    return closest === undefined ? undefined : found.some(p => p.equals(closest))
  }

  return {
    stats,
    add (peerId) {
      oracle.add(peerId)
      const peer = known(peerId, true)
      live.push(peer)
    },
    remove (peerId) {
      oracle.remove(peerId)
      const peer = peers.get(peerId.toString())
      if (peer === undefined) return
      peer.left = true
      peer.table = null
      live.splice(live.indexOf(peer), 1)
    },
    closest: (key, count) => oracle.closest(key, count),
    walk (from, key, count) {
      const asker = known(from, false)
      const target = pointOf(kadId(key))
      if (asker.table === null) return { peers: [], ms: 0 }
      const result = walk(world, asker.table, target)
      settle(asker, result)
      const found = answer(asker, target, result.closest, count)
      stats.walked(result, foundClosestUp(key, found))
      init.onWalk?.(result)
      return { peers: found, ms: result.ms }
    },
    local (from, key, count) {
      const asker = known(from, false)
      stats.local++
      return answer(asker, pointOf(kadId(key)), [], count)
    },
    contact (from, to) {
      const a = peers.get(from.toString())
      const b = peers.get(to.toString())
      if (a !== undefined && b !== undefined) meet(a, b)
    },
    tableOf: peer => peers.get(peer.toString())?.table?.peers().map(p => p.peerId) ?? []
  }
}
