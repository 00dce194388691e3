import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { createStore, NoSpaceError } from '../src/index.js'
import { diskAgrees, ledger, filesIn, openTempStore, randomChunk, rejects } from './helpers.js'

test('a put that fills the space exactly succeeds; one more byte is refused', async () => {
  const { dir, store, cleanup } = await openTempStore(10_000)
  try {
    const first = randomChunk(6_000)
    assert.is(await store.put(first.cid, first.bytes), true)
    const tooBig = randomChunk(4_001)
    const err = await rejects(store.put(tooBig.cid, tooBig.bytes))
    assert.instance(err, NoSpaceError)
    assert.is(err.code, 'ERR_NO_SPACE')
    assert.is(err.needed, 4_001)
    assert.is(err.free, 4_000)
    assert.is(await store.has(tooBig.cid), false)

    const exact = randomChunk(4_000)
    assert.is(await store.put(exact.cid, exact.bytes), true)
    assert.equal(await ledger(store), { chunks: 2, bytes: 10_000, space: 10_000 })

    const oneMore = randomChunk(1)
    const full = await rejects(store.put(oneMore.cid, oneMore.bytes))
    assert.instance(full, NoSpaceError)
    assert.is(full.needed, 1)
    assert.is(full.free, 0)
    assert.equal(await filesIn(join(dir, 'tmp')), [])
    const check = await diskAgrees(dir, store)
    assert.ok(check.ok, check.detail)
  } finally { await cleanup() }
})

test('a full vault still answers false for a chunk it already holds', async () => {
  const { store, cleanup } = await openTempStore(5_000)
  try {
    const chunk = randomChunk(5_000)
    await store.put(chunk.cid, chunk.bytes)
    assert.is(await store.put(chunk.cid, chunk.bytes), false)
  } finally { await cleanup() }
})

test('deleting frees exactly the chunk size', async () => {
  const { store, cleanup } = await openTempStore(10_000)
  try {
    const a = randomChunk(7_000)
    const b = randomChunk(3_000)
    await store.put(a.cid, a.bytes)
    await store.put(b.cid, b.bytes)
    await store.delete(b.cid)
    const c = randomChunk(3_001)
    assert.instance(await rejects(store.put(c.cid, c.bytes)), NoSpaceError)
    const d = randomChunk(3_000)
    assert.is(await store.put(d.cid, d.bytes), true)
  } finally { await cleanup() }
})

test('concurrent puts never together overshoot the space, and fill it exactly', async () => {
  const size = 100_000
  const { dir, store, cleanup } = await openTempStore(10 * size)
  try {
    const chunks = Array.from({ length: 16 }, () => randomChunk(size))
    const results = await Promise.allSettled(chunks.map(async c => await store.put(c.cid, c.bytes)))
    const stored = results.filter(r => r.status === 'fulfilled')
    const refused = results.filter(r => r.status === 'rejected')
    assert.is(stored.length, 10)
    assert.is(refused.length, 6)
    for (const r of refused) assert.instance((r as PromiseRejectedResult).reason, NoSpaceError)
    assert.equal(await ledger(store), { chunks: 10, bytes: 10 * size, space: 10 * size })
    const check = await diskAgrees(dir, store)
    assert.ok(check.ok, check.detail)
  } finally { await cleanup() }
})

test('concurrent puts of mixed sizes one byte over the space: all but a one-byte-short fit', async () => {
  const { dir, store, cleanup } = await openTempStore(1_000_000)
  try {
    // 999_999 + 2 bytes of demand for 1_000_000 of space, in flight together
    const big = randomChunk(999_999)
    const small = [randomChunk(1), randomChunk(1)]
    const results = await Promise.allSettled([big, ...small].map(async c => await store.put(c.cid, c.bytes)))
    const stored = results.filter(r => r.status === 'fulfilled').length
    assert.is(stored, 2)
    // which two win is a race (the small ones hash sooner and may reserve first): either
    // way the ledger is exactly what was stored, and within the space
    const storedBytes = [big, ...small].reduce((n, c, i) => n + (results[i].status === 'fulfilled' ? c.bytes.length : 0), 0)
    assert.ok(storedBytes === 1_000_000 || storedBytes === 2, `stored ${storedBytes} bytes`)
    const stats = await ledger(store)
    assert.is(stats.bytes, storedBytes)
    const check = await diskAgrees(dir, store)
    assert.ok(check.ok, check.detail)
  } finally { await cleanup() }
})

test('restarted with less space than it holds: it keeps and serves everything, refuses new chunks, and says so in stats', async () => {
  const { dir, store, cleanup } = await openTempStore(10_000)
  try {
    const held = randomChunk(6_000)
    await store.put(held.cid, held.bytes)
    await store.stop()
    const smaller = createStore({ dir, space: 1_000 })
    await smaller.start()
    try {
      const stats = await ledger(smaller)
      assert.is(stats.bytes, 6_000)
      assert.is(stats.space, 1_000)
      const tiny = randomChunk(10)
      const refused = await rejects(smaller.put(tiny.cid, tiny.bytes))
      assert.instance(refused, NoSpaceError)
      assert.is(refused.free, 0)
      assert.ok(await smaller.get(held.cid) !== null, 'what it holds is still served')
    } finally {
      await smaller.stop()
    }
  } finally { await cleanup() }
})

test.run()
