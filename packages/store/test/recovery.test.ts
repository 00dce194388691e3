import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createStore, type Store } from '../src/index.js'
import { diskAgrees, ledger, expectedBlobPath, filesIn, makeTempDir, randomChunk, removeDir, type Chunk } from './helpers.js'

const holderScript = join(dirname(fileURLToPath(import.meta.url)), 'tools', 'store-holder.js')

/** Opens the store in a child and SIGKILLs it: the dir is left as after a crash. */
async function crashWhileOpen (dir: string): Promise<void> {
  const child = spawn(process.execPath, [holderScript, 'hold', dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', d => { if (String(d).includes('ready')) resolve() })
    child.on('close', code => reject(new Error(`holder exited early (${code})`)))
  })
  child.kill('SIGKILL')
  await new Promise(resolve => child.on('close', resolve))
}

async function plant (dir: string, chunk: Chunk, bytes = chunk.bytes): Promise<string> {
  const path = expectedBlobPath(dir, chunk.cid)
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, bytes)
  return path
}

async function withStore (dir: string, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = createStore({ dir, space: Number.MAX_SAFE_INTEGER })
  await store.start()
  try { await fn(store) } finally { await store.stop() }
}

async function storeChunks (dir: string, chunks: Chunk[]): Promise<void> {
  await withStore(dir, async store => { for (const c of chunks) await store.put(c.cid, c.bytes) })
}

test('leftover temp files are removed at every start', async () => {
  const dir = await makeTempDir()
  try {
    await storeChunks(dir, [randomChunk(10)])
    await writeFile(join(dir, 'tmp', '123.4'), 'half a blob')
    await withStore(dir, async () => {})
    assert.equal(await filesIn(join(dir, 'tmp')), [])
    await crashWhileOpen(dir)
    await writeFile(join(dir, 'tmp', '123.5'), 'half a blob')
    await withStore(dir, async () => {})
    assert.equal(await filesIn(join(dir, 'tmp')), [])
  } finally { await removeDir(dir) }
})

test('after a crash, disk and index are reconciled both ways', async () => {
  const dir = await makeTempDir()
  try {
    const [kept, vanished, unindexed, corrupt] = [randomChunk(1_000), randomChunk(2_000), randomChunk(3_000), randomChunk(4_000)]
    await storeChunks(dir, [kept, vanished])
    await crashWhileOpen(dir)
    await unlink(expectedBlobPath(dir, vanished.cid)) // indexed, gone from disk
    await plant(dir, unindexed) // on disk, intact, never indexed (its index write was lost)
    await plant(dir, corrupt, randomChunk(4_000).bytes) // on disk under a real name, wrong bytes
    const junk = join(dirname(expectedBlobPath(dir, kept.cid)), 'not-a-cid')
    await writeFile(junk, 'stray')

    await withStore(dir, async store => {
      assert.is(await store.has(kept.cid), true)
      assert.is(await store.has(vanished.cid), false)
      assert.is(await store.has(unindexed.cid), true)
      assert.equal(Buffer.from((await store.get(unindexed.cid))!), Buffer.from(unindexed.bytes))
      assert.is(await store.has(corrupt.cid), false)
      assert.equal(await ledger(store), { chunks: 2, bytes: 4_000, space: Number.MAX_SAFE_INTEGER })
      const check = await diskAgrees(dir, store)
      assert.ok(check.ok, check.detail)
      const quarantined = await filesIn(join(dir, 'quarantine'))
      assert.is(quarantined.length, 2)
      assert.ok(quarantined.some(name => name.startsWith(corrupt.cid.toString())))
      assert.ok(quarantined.some(name => name.startsWith('not-a-cid')))
    })
  } finally { await removeDir(dir) }
})

test('an indexed blob replaced by other bytes of another size is quarantined at reconcile', async () => {
  const dir = await makeTempDir()
  try {
    const chunk = randomChunk(5_000)
    await storeChunks(dir, [chunk])
    await crashWhileOpen(dir)
    await writeFile(expectedBlobPath(dir, chunk.cid), (await readFile(expectedBlobPath(dir, chunk.cid))).subarray(0, 4_000))
    await withStore(dir, async store => {
      assert.is(await store.has(chunk.cid), false)
      assert.equal(await ledger(store), { chunks: 0, bytes: 0, space: Number.MAX_SAFE_INTEGER })
    })
  } finally { await removeDir(dir) }
})

test('the whole index can be lost: it is rebuilt from the blobs', async () => {
  const dir = await makeTempDir()
  try {
    const chunks = Array.from({ length: 30 }, (_, i) => randomChunk(i * 3_000 + 1))
    await storeChunks(dir, chunks)
    await rm(join(dir, 'index'), { recursive: true })
    await withStore(dir, async store => {
      for (const c of chunks) assert.equal(Buffer.from((await store.get(c.cid))!), Buffer.from(c.bytes))
      assert.is((await ledger(store)).chunks, 30)
      const check = await diskAgrees(dir, store)
      assert.ok(check.ok, check.detail)
    })
  } finally { await removeDir(dir) }
})

test('a clean stop lets the next start skip the full reconcile; a crash does not', async () => {
  const dir = await makeTempDir()
  try {
    await storeChunks(dir, [randomChunk(100)])
    // Planted behind a cleanly stopped store, a blob is not looked for at start...
    const stray = randomChunk(200)
    await plant(dir, stray)
    await withStore(dir, async store => { assert.is(await store.has(stray.cid), false) })
    // ...but after a crash the store walks the disk and finds it.
    await crashWhileOpen(dir)
    await withStore(dir, async store => {
      assert.is(await store.has(stray.cid), true)
      assert.equal(await ledger(store), { chunks: 2, bytes: 300, space: Number.MAX_SAFE_INTEGER })
    })
  } finally { await removeDir(dir) }
})

test.run()
