import { readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import debug from 'debug'
import { CID } from 'multiformats/cid'
import { chunkDigest, hashMatches, MAX_CHUNK_SIZE, parseBlobName } from './address.js'
import { isNotFound, syncDir } from './durable-fs.js'
import { NO_LEASES } from './leases.js'
import type { ChunkIndex, IndexOp } from './chunk-index.js'
import type { Layout } from './layout.js'

const log = debug('shoal:store:recover')
const SHARD_NAME = /^[0-9a-f]{2}$/
const BATCH = 1000

export interface RecoveryReport { tmpRemoved: number, reconciled: boolean, indexed: number, dropped: number, quarantined: number }

/**
 * Brings the disk and the index back into agreement at start. Temp files are always
 * removed (a blob is only ever half-written under tmp/). The full reconcile runs only
 * when the previous run did not record a clean stop; it walks both sides, so its cost
 * grows with the vault, but its memory does not.
 */
export async function recover (layout: Layout, index: ChunkIndex, options: { full: boolean }): Promise<RecoveryReport> {
  const report: RecoveryReport = { tmpRemoved: 0, reconciled: options.full, indexed: 0, dropped: 0, quarantined: 0 }
  for (const name of await readdir(layout.tmp)) {
    await rm(join(layout.tmp, name), { recursive: true, force: true })
    report.tmpRemoved++
  }
  if (options.full) {
    const pending = new Batcher(index)
    await dropMissing(layout, index, pending, report)
    await pending.flush()
    const ledger = await indexBlobs(layout, index, pending, report)
    await pending.flush()
    index.ledger.chunks = ledger.chunks
    index.ledger.bytes = ledger.bytes
    await syncShardParents(layout)
  }
  if (report.tmpRemoved > 0 || options.full) log('recovered %o', report)
  return report
}

/** Index entries whose blob is gone (or is not a vault CID at all) are dropped. */
async function dropMissing (layout: Layout, index: ChunkIndex, pending: Batcher, report: RecoveryReport): Promise<void> {
  for await (const [key, entry] of index.entries()) {
    const cid = decodeKey(key)
    const digest = cid == null ? null : chunkDigest(cid)
    if (cid == null || digest == null) {
      await pending.add({ type: 'del', key, entry })
      report.dropped++
      continue
    }
    try {
      // A size that disagrees with the entry is settled by indexBlobs, which re-verifies.
      await stat(layout.blob(cid, digest).file)
    } catch (err) {
      if (!isNotFound(err)) throw err
      await pending.add({ type: 'del', key, entry })
      report.dropped++
    }
  }
}

/**
 * Every blob file ends up indexed with its true size, or in quarantine. An unindexed
 * blob is verified before it is trusted; indexed blobs are trusted by size (audits and
 * get re-verify them), which keeps recovery to one stat per blob for the common case.
 */
async function indexBlobs (layout: Layout, index: ChunkIndex, pending: Batcher, report: RecoveryReport): Promise<{ chunks: number, bytes: number }> {
  const ledger = { chunks: 0, bytes: 0 }
  for (const outer of await readdir(layout.blobs)) {
    if (!SHARD_NAME.test(outer)) { log('ignoring unexpected %s in blobs/', outer); continue }
    let inners: string[]
    try { inners = await readdir(join(layout.blobs, outer)) } catch { log('ignoring unexpected blobs/%s', outer); continue }
    for (const inner of inners) {
      if (!SHARD_NAME.test(inner)) { log('ignoring unexpected blobs/%s/%s', outer, inner); continue }
      const shardDir = join(layout.blobs, outer, inner)
      let names: string[]
      try { names = await readdir(shardDir) } catch { log('ignoring unexpected blobs/%s/%s', outer, inner); continue }
      for (const name of names) {
        const file = join(shardDir, name)
        const cid = parseBlobName(name, [outer, inner])
        const st = await stat(file)
        if (!st.isFile()) { log('ignoring unexpected %s', file); continue }
        if (cid == null) {
          await quarantine(layout, file, name, report)
          continue
        }
        const entry = await index.get(cid.bytes)
        if (entry?.size !== st.size) {
          const bytes = st.size <= MAX_CHUNK_SIZE ? await readFile(file) : null
          if (bytes == null || !hashMatches(bytes, cid.multihash.digest)) {
            await quarantine(layout, file, name, report)
            if (entry != null) await pending.add({ type: 'del', key: cid.bytes, entry })
            continue
          }
          // A blob whose entry was lost (or could not be read) has lost its leases too:
          // it is kept, uncollected, until a PUT or RENEW names it with leases again.
          const rebuilt = entry ?? { storedAt: Math.floor(st.mtimeMs), leases: NO_LEASES, pinned: false, recovered: true }
          await pending.add({ type: 'put', key: cid.bytes, entry: { ...rebuilt, size: st.size }, previous: entry })
          report.indexed++
        }
        ledger.chunks++
        ledger.bytes += st.size
      }
    }
  }
  return ledger
}

/**
 * A crashed run may have made shard directories without syncing their parents. Syncing
 * the data dir, blobs/ and every outer shard makes all shard directories durable, so the
 * rest of this run can trust any that exist (DurableDirs) — 258 fsyncs, once.
 */
async function syncShardParents (layout: Layout): Promise<void> {
  await syncDir(layout.dir)
  await syncDir(layout.blobs)
  for (const outer of await readdir(layout.blobs)) {
    if (SHARD_NAME.test(outer)) await syncDir(join(layout.blobs, outer))
  }
}

async function quarantine (layout: Layout, file: string, name: string, report: RecoveryReport): Promise<void> {
  log('quarantining %s', file)
  await rename(file, layout.quarantined(name))
  report.quarantined++
}

function decodeKey (key: Uint8Array): CID | null {
  try {
    return CID.decode(key)
  } catch {
    return null
  }
}

/** Recovery writes go out in bounded batches so memory stays flat for any vault size. */
class Batcher {
  private ops: IndexOp[] = []
  constructor (private readonly index: ChunkIndex) {}

  async add (op: IndexOp): Promise<void> {
    this.ops.push(op)
    if (this.ops.length >= BATCH) await this.flush()
  }

  async flush (): Promise<void> {
    if (this.ops.length === 0) return
    const ops = this.ops
    this.ops = []
    await this.index.write(ops)
  }
}
