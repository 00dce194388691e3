// Prometheus metrics of one daemon, in a registry of its own (not prom-client's global
// one) so that nothing else in the process can add to or clash with them.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import type { ShoalNode } from '@shoal/node'
import type { StoreStats } from '@shoal/store'

export interface ApiMetrics {
  registry: Registry
  requests: Counter<'route' | 'status'>
  /** plaintext bytes taken in by POST /v1/files and sent out by GET /v1/files */
  bytes: Counter<'direction'>
}

export function createMetrics (node: ShoalNode): ApiMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'shoal_' })
  // Read at scrape time rather than kept up to date: the store already accounts them.
  const storeGauge = (name: string, help: string, pick: (s: StoreStats) => number | undefined): void => {
    // eslint-disable-next-line no-new
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect () {
        const stats = await node.store?.stats()
        this.set((stats !== undefined ? pick(stats) : undefined) ?? 0)
      }
    })
  }
  storeGauge('shoal_store_chunks', 'chunks held by this vault', s => s.chunks)
  storeGauge('shoal_store_bytes', 'bytes held by this vault', s => s.bytes)
  storeGauge('shoal_store_space_bytes', 'bytes of space this vault offers', s => s.space)
  storeGauge('shoal_store_disk_free_bytes', 'bytes the vault\'s disk can still take (free, less the store\'s reserve)', s => s.diskFree)
  // eslint-disable-next-line no-new
  new Gauge({
    name: 'shoal_peers',
    help: 'peers connected now',
    registers: [registry],
    collect () { this.set(node.libp2p.getPeers().length) }
  })
  return {
    registry,
    requests: new Counter({ name: 'shoal_api_requests_total', help: 'API requests served, by route and status', labelNames: ['route', 'status'], registers: [registry] }),
    bytes: new Counter({ name: 'shoal_api_file_bytes_total', help: 'file bytes through the API (in: uploads, out: downloads)', labelNames: ['direction'], registers: [registry] })
  }
}
