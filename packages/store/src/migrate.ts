import debug from 'debug'
import { decodeEntry, isVersion1 } from './entry-codec.js'
import type { ChunkIndex, IndexOp } from './chunk-index.js'

const log = debug('shoal:store:migrate')
const BATCH = 1000

/**
 * Rewrites version 1 (JSON) chunk entries as version 2 entries, in place, before the
 * store opens. Version 1 recorded no leases, so each becomes pinned: kept until deleted,
 * as every chunk was then. A crash part way leaves both kinds, which both read; the next
 * start finishes the job (the version is written only once the store opens).
 */
export async function migrateFromVersion1 (index: ChunkIndex): Promise<number> {
  let ops: IndexOp[] = []
  let migrated = 0
  for await (const [key, bytes] of index.rawEntries()) {
    if (!isVersion1(bytes)) continue
    let entry
    try {
      entry = decodeEntry(bytes)
    } catch {
      continue // left for the reconcile, which drops or rebuilds what it cannot read
    }
    ops.push({ type: 'put', key, entry, previous: undefined })
    migrated++
    if (ops.length >= BATCH) { await index.write(ops); ops = [] }
  }
  if (ops.length > 0) await index.write(ops)
  log('migrated %d chunk entries from schema 1 (now pinned)', migrated)
  return migrated
}
