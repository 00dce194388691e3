// GET /v1/status, GET /v1/peers and GET /metrics: what `shoal status` and `shoal peers`
// show, and what a Prometheus scraper reads.
import type { ApiContext, ApiRequest, Route } from '../server.js'
import { sendJson } from '../http.js'

export const statusRoutes: Route[] = [
  { method: 'GET', path: '/v1/status', handle: getStatus },
  { method: 'GET', path: '/v1/peers', handle: getPeers },
  { method: 'GET', path: '/metrics', handle: getMetrics }
]

async function getStatus (context: ApiContext, { res }: ApiRequest): Promise<void> {
  const { node } = context
  const stats = await node.store?.stats()
  const ledger = await node.ledger?.list() ?? []
  sendJson(res, 200, {
    peerId: node.peerId.toString(),
    addresses: node.multiaddrs.map(String),
    api: context.url(),
    peers: node.libp2p.getPeers().length,
    routingTable: node.routingTableSize,
    // whether peers can dial this node, as their dial-backs say (docs/nat.md)
    reachability: node.reachability,
    // relay slots held, relayed connections, and this vault's own relay (docs/nat.md)
    relay: node.relay,
    // diskFree: what the vault's disk can still take, less the store's reserve for its index
    store: { chunks: stats?.chunks ?? 0, bytes: stats?.bytes ?? 0, space: stats?.space ?? 0, diskFree: stats?.diskFree ?? null },
    // null: no repair loop (a client, or a vault run without one)
    repair: node.repairer?.metrics() ?? null,
    ledger: ledger.map(({ peer, record }) => ({ peer, ...record })),
    uptimeSeconds: Math.floor((Date.now() - context.startedAt) / 1000),
    version: context.version
  })
}

/**
 * Each connected peer with the addresses it listens on, as its identify told us (libp2p's
 * peer store), not the connection's remote address: a peer that dialled us shows there
 * with the ephemeral port it dialled from, where nobody can reach it.
 */
async function getPeers (context: ApiContext, { res, signal }: ApiRequest): Promise<void> {
  const libp2p = context.node.libp2p
  sendJson(res, 200, await Promise.all(libp2p.getPeers().map(async peer => ({
    peerId: peer.toString(),
    // a peer not (yet) in the store, identify still under way, has none to show
    addresses: ((await libp2p.peerStore.get(peer, { signal }).catch(() => null))?.addresses ?? []).map(a => a.multiaddr.toString())
  }))))
}

async function getMetrics (context: ApiContext, { res }: ApiRequest): Promise<void> {
  const text = await context.metrics.registry.metrics()
  res.writeHead(200, { 'content-type': context.metrics.registry.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' })
  res.end(text)
}
