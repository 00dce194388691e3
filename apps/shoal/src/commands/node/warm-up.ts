// A node started only to drain has a thin routing table at first, and the drain picks new
// holders from it (no lookup per chunk): lookups fill it from the network. kad-dht adds a
// peer only once identify says it speaks our DHT, so one lookup made at once after the
// bootstrap dial can leave the table empty, and a drain would then see nobody to hand to.
import type { ShoalNode } from '@shoal/node'

const WARM_UP_MS = 10_000
/** Peers the table should list before a drain: enough for a replicate:3 target and a spare. */
const WANTED_PEERS = 4

/** Looks up the peers closest to this node until its routing table lists a few (bounded by WARM_UP_MS). */
export async function warmRoutingTable (node: ShoalNode): Promise<void> {
  const deadline = Date.now() + WARM_UP_MS
  while (Date.now() < deadline) {
    await node.closestPeers(node.peerId.toMultihash().bytes, 20, { signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) }).catch(() => {})
    if (node.routingTableSize >= WANTED_PEERS) return
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}
