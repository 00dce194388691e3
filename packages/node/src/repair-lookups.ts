// The lookups a vault's repair loop makes (docs/durability.md): its routing table per chunk,
// and once a tick a network walk for its own ID whose answer is kept as its neighbours. A
// chunk a vault holds lives next to it, so the chunk's closest peers are among those
// neighbours even where the table is thin: kad-dht 16 keeps at most 20 peers under each
// 6-bit prefix, so past ~1,280 vaults the table alone misses most of them (docs/simulation.md,
// "Lookups"), and the repairer would disagree with placement.
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { compareDistance, kadId } from './closest-peers.js'
import { DHT_K } from './lookup.js'
import type { RepairerInit } from './repair/repairer.js'

export interface RepairLookupSources {
  self: PeerId
  /** up to `count` peers closest to `key` from the routing table alone (this vault among them) */
  local: (key: Uint8Array, count: number) => PeerId[]
  /** a network lookup: up to `count` peers closest to `key` */
  network: (key: Uint8Array, count: number, options: AbortOptions) => Promise<PeerId[]>
}

interface Known { peer: PeerId, id: Uint8Array }

/** closestPeers and refreshNeighbours for createRepairer, from a routing table and a network lookup. */
export function repairLookups (sources: RepairLookupSources): Pick<RepairerInit, 'closestPeers' | 'refreshNeighbours'> {
  let neighbours: Known[] = []
  return {
    closestPeers: async (key, count, options) => {
      const target = kadId(key)
      const found = new Map<string, Known>()
      for (const known of neighbours) found.set(known.peer.toString(), known)
      for (const peer of sources.local(key, count)) {
        const name = peer.toString()
        if (!found.has(name)) found.set(name, { peer, id: kadId(peer.toMultihash().bytes) })
      }
      const closest = [...found.values()].sort((a, b) => compareDistance(target, a.id, b.id)).slice(0, count).map(k => k.peer)
      // a table thinner than asked (a vault just started, e.g. to drain) and no walk yet: the network
      return closest.length >= count ? closest : await sources.network(key, count, options ?? {})
    },
    refreshNeighbours: async options => {
      const found = await sources.network(sources.self.toMultihash().bytes, DHT_K, options)
      neighbours = found.map(peer => ({ peer, id: kadId(peer.toMultihash().bytes) }))
    }
  }
}
