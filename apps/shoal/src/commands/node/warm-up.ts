// A node started only to drain has a thin routing table at first, and the drain picks new
// holders from it (no lookup per chunk): one lookup fills it from the network.
import type { ShoalNode } from '@shoal/node'

const WARM_UP_MS = 10_000

/** Looks up the peers closest to this node (bounded), which fills its routing table near its own ID. */
export async function warmRoutingTable (node: ShoalNode): Promise<void> {
  await node.closestPeers(node.peerId.toMultihash().bytes, 20, { signal: AbortSignal.timeout(WARM_UP_MS) }).catch(() => {})
}
