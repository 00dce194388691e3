import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createStore, StoreClosedError, type Store } from '../src/index.js'
import { diskAgrees, ledger, makeTempDir, randomChunk, rejects, removeDir } from './helpers.js'

async function allClosed (store: Store): Promise<void> {
  const { cid, bytes } = randomChunk(10)
  const attempts: Array<[string, () => Promise<unknown>]> = [
    ['put', async () => await store.put(cid, bytes)],
    ['get', async () => await store.get(cid)],
    ['has', async () => await store.has(cid)],
    ['delete', async () => await store.delete(cid)],
    ['stats', async () => await ledger(store)],
    ['list', async () => { for await (const _ of store.list()) { /* drain */ } }]
  ]
  for (const [name, attempt] of attempts) {
    const err = await rejects(attempt())
    assert.instance(err, StoreClosedError, name)
    assert.is(err.code, 'ERR_STORE_CLOSED', name)
  }
}

test('operations before start and after stop throw StoreClosedError', async () => {
  const dir = await makeTempDir()
  const store = createStore({ dir, space: 1e9 })
  try {
    await allClosed(store)
    await store.start()
    await store.stop()
    await allClosed(store)
  } finally {
    await store.stop()
    await removeDir(dir)
  }
})

test('stop then start again: same chunks, same stats', async () => {
  const dir = await makeTempDir()
  const store = createStore({ dir, space: 1e9 })
  try {
    await store.start()
    const chunks = Array.from({ length: 12 }, (_, i) => randomChunk(i * 5_000))
    for (const c of chunks) await store.put(c.cid, c.bytes)
    await store.delete(chunks[0].cid)
    const stats = await ledger(store)
    await store.stop()
    await store.start()
    assert.equal(await ledger(store), stats)
    for (const c of chunks.slice(1)) assert.equal(Buffer.from((await store.get(c.cid))!), Buffer.from(c.bytes))
    assert.is(await store.has(chunks[0].cid), false)
    await store.stop()
    // and a fresh instance on the same dir sees the same
    const fresh = createStore({ dir, space: 1e9 })
    await fresh.start()
    assert.equal(await ledger(fresh), stats)
    await fresh.stop()
  } finally {
    await store.stop()
    await removeDir(dir)
  }
})

test('stop waits for puts in flight; they complete and survive', async () => {
  const dir = await makeTempDir()
  const store = createStore({ dir, space: 1e9 })
  try {
    await store.start()
    const chunks = Array.from({ length: 8 }, () => randomChunk(500_000))
    const puts = chunks.map(async c => await store.put(c.cid, c.bytes))
    await store.stop()
    assert.equal(await Promise.all(puts), chunks.map(() => true))
    await store.start()
    for (const c of chunks) assert.is(await store.has(c.cid), true)
    const check = await diskAgrees(dir, store)
    assert.ok(check.ok, check.detail)
  } finally {
    await store.stop()
    await removeDir(dir)
  }
})

test('start and stop are idempotent and may be called concurrently', async () => {
  const dir = await makeTempDir()
  const store = createStore({ dir, space: 1e9 })
  try {
    await Promise.all([store.start(), store.start()])
    await store.start()
    const chunk = randomChunk(100)
    await store.put(chunk.cid, chunk.bytes)
    await Promise.all([store.stop(), store.stop()])
    await store.stop()
    await allClosed(store)
    await store.start()
    assert.is(await store.has(chunk.cid), true)
  } finally {
    await store.stop()
    await removeDir(dir)
  }
})

test('createStore refuses a nonsense space', () => {
  for (const space of [-1, 1.5, Number.NaN, Infinity]) {
    assert.throws(() => createStore({ dir: '/tmp/never-made', space }), /space/)
  }
})

test.run()
