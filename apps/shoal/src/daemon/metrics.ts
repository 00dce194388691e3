// Prometheus metrics of one daemon, in a registry of its own (not prom-client's global
// one) so that nothing else in the process can add to or clash with them.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import type { RepairMetrics, ShoalNode } from '@shoal/node'
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
  repairMetrics(node, registry)
  return {
    registry,
    requests: new Counter({ name: 'shoal_api_requests_total', help: 'API requests served, by route and status', labelNames: ['route', 'status'], registers: [registry] }),
    bytes: new Counter({ name: 'shoal_api_file_bytes_total', help: 'file bytes through the API (in: uploads, out: downloads)', labelNames: ['direction'], registers: [registry] })
  }
}

/** The repair loop's counters (names and help), read from node.repairer at scrape time. */
const REPAIR_COUNTERS: Array<[keyof RepairMetrics, string, string]> = [
  ['chunksRepaired', 'shoal_repair_chunks_repaired_total', 'chunks this vault put to peers of their closest set that lacked them'],
  ['repairBytesSent', 'shoal_repair_bytes_sent_total', 'bytes this vault sent to repair and hand off chunks'],
  ['repairBytesFetched', 'shoal_repair_bytes_fetched_total', 'bytes fetched from other vaults to rebuild stripe pieces'],
  ['chunksUnderTarget', 'shoal_repair_chunks_under_target_total', 'chunks found with fewer live holders than their target, counted per walk'],
  ['stripesUnderTarget', 'shoal_repair_stripes_under_target_total', 'stripes found with a piece missing, counted per walk'],
  ['stripesRepaired', 'shoal_repair_stripes_repaired_total', 'stripes whose missing pieces this vault placed'],
  ['piecesRebuilt', 'shoal_repair_pieces_rebuilt_total', 'stripe pieces rebuilt from k others and placed'],
  ['stripesUnrecoverable', 'shoal_repair_stripes_unrecoverable_total', 'stripes this vault acts for with fewer than k live pieces'],
  ['handedOff', 'shoal_repair_handed_off_total', 'chunks handed to closer peers (and freed here) or handed on by a drain'],
  ['auditsPassed', 'shoal_repair_audits_passed_total', 'audits of other holders that they passed'],
  ['auditsFailed', 'shoal_repair_audits_failed_total', 'audits of other holders that they failed or did not answer'],
  ['scrubbed', 'shoal_repair_scrubbed_total', 'own chunks re-hashed by the scrubber'],
  ['corruptReplaced', 'shoal_repair_corrupt_replaced_total', 'own chunks found corrupt and replaced from another holder'],
  ['collected', 'shoal_repair_collected_total', 'chunks collected when their last lease expired']
]

function repairMetrics (node: ShoalNode, registry: Registry): void {
  for (const [field, name, help] of REPAIR_COUNTERS) {
    // eslint-disable-next-line no-new
    new Counter({
      name,
      help,
      registers: [registry],
      collect () {
        this.reset()
        this.inc(node.repairer?.metrics()[field] ?? 0)
      }
    })
  }
  // eslint-disable-next-line no-new
  new Gauge({
    name: 'shoal_repair_queue_length',
    help: 'chunks found short in the current repair batch and not yet repaired',
    registers: [registry],
    collect () { this.set(node.repairer?.metrics().queueLength ?? 0) }
  })
}
