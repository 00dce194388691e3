// Prometheus metrics of one daemon, in a registry of its own (not prom-client's global
// one) so that nothing else in the process can add to or clash with them. Made before the
// node (it feeds the node's request observer and libp2p's metrics service), then watching
// the node once it has started.
import { collectDefaultMetrics, Counter, Registry } from 'prom-client'
import type { NodeInit, ShoalNode } from '@shoal/node'
import { chunkRequestMetrics } from './metrics-requests.js'
import { libp2pMetrics } from './metrics-libp2p.js'
import { vaultMetrics } from './metrics-vault.js'

export interface ApiMetrics {
  registry: Registry
  requests: Counter<'route' | 'status'>
  /** plaintext bytes taken in by POST /v1/files and sent out by GET /v1/files */
  bytes: Counter<'direction'>
}

export interface DaemonMetrics extends ApiMetrics {
  /** spread into createNode's options: the chunk request observer and libp2p's metrics service */
  nodeOptions: Required<Pick<NodeInit, 'onRequest' | 'metrics'>>
  /** Adds the metrics read from `node` (once started) at scrape time; `dataDir` for the disk's. */
  watch: (node: ShoalNode, dataDir?: string) => ApiMetrics
}

/** prom-client defaults that are gauges named _total, which Prometheus' conventions (and promtool) reject. */
const MISNAMED_DEFAULTS = ['shoal_nodejs_active_handles_total', 'shoal_nodejs_active_requests_total', 'shoal_nodejs_active_resources_total']

export function createMetrics (): DaemonMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'shoal_' })
  // the per-type gauges stay (shoal_nodejs_active_handles{type}); their sum is the total
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name)
  const libp2p = libp2pMetrics(registry)
  const api: ApiMetrics = {
    registry,
    requests: new Counter({ name: 'shoal_api_requests_total', help: 'API requests served, by route and status', labelNames: ['route', 'status'], registers: [registry] }),
    bytes: new Counter({ name: 'shoal_api_file_bytes_total', help: 'file bytes through the API (in: uploads, out: downloads)', labelNames: ['direction'], registers: [registry] })
  }
  return {
    ...api,
    nodeOptions: { onRequest: chunkRequestMetrics(registry), metrics: libp2p.service },
    watch (node, dataDir) {
      libp2p.watch(node)
      vaultMetrics(registry, node, dataDir)
      return api
    }
  }
}
