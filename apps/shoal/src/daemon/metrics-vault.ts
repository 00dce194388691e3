// What a vault holds and does, read from it at scrape time rather than kept up to date
// here: the store, its disk and the repair loop already account all of it.
import { statfs } from 'node:fs/promises'
import { Counter, Gauge, type Registry } from 'prom-client'
import type { RepairMetrics, ShoalNode } from '@shoal/node'
import type { StoreStats } from '@shoal/store'
import { onePerScrape } from './metrics-scrape.js'

const STORE_GAUGES: Array<[string, string, (s: StoreStats) => number | undefined]> = [
  ['shoal_store_chunks', 'chunks held by this vault', s => s.chunks],
  ['shoal_store_bytes', 'bytes held by this vault (space used)', s => s.bytes],
  ['shoal_store_space_bytes', 'bytes of space this vault offers (--space)', s => s.space],
  ['shoal_store_disk_free_bytes', 'bytes the vault\'s disk can still take (free, less the store\'s reserve for its index)', s => s.diskFree]
]

/** The repair loop's counters: the field of RepairMetrics, the metric's name and help. */
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

export function vaultMetrics (registry: Registry, node: ShoalNode, dataDir: string | undefined): void {
  const stats = onePerScrape(async () => await node.store?.stats())
  for (const [name, help, pick] of STORE_GAUGES) {
    // eslint-disable-next-line no-new
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect () {
        const s = await stats()
        this.set((s !== undefined ? pick(s) : undefined) ?? 0)
      }
    })
  }
  if (dataDir !== undefined) diskMetrics(registry, dataDir)
  for (const [field, name, help] of REPAIR_COUNTERS) {
    // eslint-disable-next-line no-new
    new Counter({
      name,
      help,
      registers: [registry],
      collect () {
        // the repairer keeps the running total; a Counter has no set()
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

/** The file system under the data dir as statfs sees it (the vault's own view, less its reserve, is shoal_store_disk_free_bytes). */
function diskMetrics (registry: Registry, dataDir: string): void {
  const disk = onePerScrape(async () => await statfs(dataDir).catch(() => null))
  const gauge = (name: string, help: string, pick: (s: { bsize: number, blocks: number, bavail: number }) => number): void => {
    // eslint-disable-next-line no-new
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect () {
        const s = await disk()
        if (s !== null) this.set(pick(s))
      }
    })
  }
  gauge('shoal_disk_size_bytes', 'size of the file system that holds the data dir', s => s.bsize * s.blocks)
  gauge('shoal_disk_available_bytes', 'bytes free on the file system that holds the data dir, for unprivileged users', s => s.bsize * s.bavail)
}
