// The repair walk's cursor: each tick takes the next `limit` records after the one the
// last tick ended on, kept in the index so a restarted vault resumes where it was, and
// wraps to the start at the end of the index.
import { CID } from 'multiformats/cid'
import type { ChunkRecord, RepairStore } from './types.js'

export const REPAIR_CURSOR = 'repair:cursor'

/** The next `limit` records from the saved cursor (wrapping, each at most once), and moves the cursor past them. */
export async function nextRecords (store: Pick<RepairStore, 'records' | 'getMeta' | 'setMeta'>, limit: number, name = REPAIR_CURSOR): Promise<ChunkRecord[]> {
  const saved = await store.getMeta(name)
  const after = typeof saved === 'string' ? CID.parse(saved) : undefined
  const batch = await store.records({ after, limit })
  let cursor = batch.length < limit ? undefined : batch.at(-1)?.cid
  if (batch.length < limit && after !== undefined) {
    const need = limit - batch.length
    const seen = new Set(batch.map(r => r.cid.toString()))
    const wrapped = await store.records({ limit: need })
    const fresh = wrapped.filter(r => !seen.has(r.cid.toString()))
    batch.push(...fresh)
    // the whole index was read when the wrap reached its end or what this tick began with
    const wholeIndex = wrapped.length < need || fresh.length < wrapped.length
    cursor = wholeIndex ? undefined : fresh.at(-1)?.cid
  }
  await store.setMeta(name, cursor?.toString())
  return batch
}
