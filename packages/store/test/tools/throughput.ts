// Durable put and verified get throughput, plus where a put's time goes.
//   node packages/store/dist/test/tools/throughput.js [count=256] [sizeMiB=1]
// Not a test: numbers depend on the disk and on whatever else the machine is doing.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { Level } from 'level'
import { sha256 } from '../../src/address.js'
import { syncDir } from '../../src/durable-fs.js'
import { VaultStore } from '../../src/store.js'
import { cidOf, makeTempDir, MiB, removeDir, type Chunk } from '../helpers.js'
import { mkdir, open, rename } from 'node:fs/promises'

const count = Number(process.argv[2] ?? 256)
const size = Number(process.argv[3] ?? 1) * MiB
const chunks: Chunk[] = Array.from({ length: count }, () => {
  const bytes = new Uint8Array(randomBytes(size))
  return { cid: cidOf(bytes), bytes }
})
const totalMB = count * size / 1e6

async function pool<T> (items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++])
  }))
}

async function run (syncIndex: boolean, concurrency: number): Promise<void> {
  const dir = await makeTempDir()
  const store = new VaultStore({ dir, space: Number.MAX_SAFE_INTEGER, syncIndex })
  await store.start()
  try {
    let t = performance.now()
    await pool(chunks, concurrency, async c => await store.put(c.cid, c.bytes))
    const putMs = performance.now() - t
    t = performance.now()
    await pool(chunks, concurrency, async c => await store.get(c.cid))
    const getMs = performance.now() - t
    console.log(`index sync ${syncIndex ? 'on ' : 'off'}  concurrency ${concurrency}: put ${(totalMB / putMs * 1e3).toFixed(0)} MB/s (${(putMs / count).toFixed(2)} ms/put), get ${(totalMB / getMs * 1e3).toFixed(0)} MB/s (warm page cache)`)
  } finally {
    await store.stop()
    await removeDir(dir)
  }
}

/** The put pipeline one step at a time, sequential, to see what each step costs. */
async function breakdown (): Promise<void> {
  const dir = await makeTempDir()
  const db = new Level<string, string>(join(dir, 'index'))
  await db.open()
  await mkdir(join(dir, 'tmp'))
  await mkdir(join(dir, 'blobs'))
  const steps = { hash: 0, write: 0, datasync: 0, rename: 0, dirsync: 0, levelNoSync: 0, levelSync: 0 }
  try {
    for (const [i, c] of chunks.entries()) {
      let t = performance.now()
      sha256(c.bytes)
      steps.hash += performance.now() - t
      const tmp = join(dir, 'tmp', String(i))
      t = performance.now()
      const handle = await open(tmp, 'wx')
      await handle.write(c.bytes, 0, c.bytes.byteLength, 0) // as writeFileSynced does
      steps.write += performance.now() - t
      t = performance.now()
      await handle.datasync()
      await handle.close()
      steps.datasync += performance.now() - t
      const shard = join(dir, 'blobs', String(i % 16))
      await mkdir(shard, { recursive: true })
      t = performance.now()
      await rename(tmp, join(shard, c.cid.toString()))
      steps.rename += performance.now() - t
      t = performance.now()
      await syncDir(shard)
      steps.dirsync += performance.now() - t
      const entry = JSON.stringify({ size: c.bytes.byteLength, storedAt: Date.now() })
      t = performance.now()
      await db.batch([{ type: 'put', key: `a${i}`, value: entry }, { type: 'put', key: 'ledger', value: String(i) }], { sync: false })
      steps.levelNoSync += performance.now() - t
      t = performance.now()
      await db.batch([{ type: 'put', key: `b${i}`, value: entry }, { type: 'put', key: 'ledger', value: String(i) }], { sync: true })
      steps.levelSync += performance.now() - t
    }
  } finally {
    await db.close()
    await removeDir(dir)
  }
  const per = Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, `${(v / count).toFixed(3)} ms`]))
  console.log(`per ${size / MiB} MiB put, sequential:`, per)
}

console.log(`${count} × ${size / MiB} MiB chunks`)
await breakdown()
for (const syncIndex of [false, true]) {
  for (const concurrency of [1, 4]) await run(syncIndex, concurrency)
}
