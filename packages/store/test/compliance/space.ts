import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { NoSpaceError } from '../../src/errors.js'
import { ledger, randomChunk, rejects } from '../helpers.js'
import { onStore, type MakeStore } from './harness.js'

/** The space offered is a hard limit, also for puts in flight together. */
export function spaceRules (name: string, make: MakeStore): void {
  const test = suite(`${name}: space`)

  test('a put that fills the space exactly succeeds; one more byte is refused', onStore(make, 10_000, async store => {
    const first = randomChunk(6_000)
    assert.is(await store.put(first.cid, first.bytes), true)
    const tooBig = randomChunk(4_001)
    const err = await rejects(store.put(tooBig.cid, tooBig.bytes))
    assert.instance(err, NoSpaceError)
    assert.is(err.code, 'ERR_NO_SPACE')
    assert.is(err.limit, 'space')
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
  }))

  test('a full store still answers false for a chunk it already holds', onStore(make, 5_000, async store => {
    const chunk = randomChunk(5_000)
    await store.put(chunk.cid, chunk.bytes)
    assert.is(await store.put(chunk.cid, chunk.bytes), false)
  }))

  test('deleting frees exactly the chunk size', onStore(make, 10_000, async store => {
    const a = randomChunk(7_000)
    const b = randomChunk(3_000)
    await store.put(a.cid, a.bytes)
    await store.put(b.cid, b.bytes)
    await store.delete(b.cid)
    const c = randomChunk(3_001)
    assert.instance(await rejects(store.put(c.cid, c.bytes)), NoSpaceError)
    const d = randomChunk(3_000)
    assert.is(await store.put(d.cid, d.bytes), true)
  }))

  test('concurrent puts never together overshoot the space, and fill it exactly', onStore(make, 1_000_000, async store => {
    const chunks = Array.from({ length: 16 }, () => randomChunk(100_000))
    const results = await Promise.allSettled(chunks.map(async c => await store.put(c.cid, c.bytes)))
    const refused = results.filter(r => r.status === 'rejected')
    assert.is(results.length - refused.length, 10)
    for (const r of refused) assert.instance((r as PromiseRejectedResult).reason, NoSpaceError)
    assert.equal(await ledger(store), { chunks: 10, bytes: 1_000_000, space: 1_000_000 })
  }))

  test('concurrent puts of mixed sizes one byte over the space: all but a one-byte-short fit', onStore(make, 1_000_000, async store => {
    // 999_999 + 2 bytes of demand for 1_000_000 of space, in flight together
    const demand = [randomChunk(999_999), randomChunk(1), randomChunk(1)]
    const results = await Promise.allSettled(demand.map(async c => await store.put(c.cid, c.bytes)))
    assert.is(results.filter(r => r.status === 'fulfilled').length, 2)
    // which two win is a race (the small ones hash sooner and may reserve first): either
    // way the ledger is exactly what was stored, and within the space
    const storedBytes = demand.reduce((n, c, i) => n + (results[i].status === 'fulfilled' ? c.bytes.length : 0), 0)
    assert.ok(storedBytes === 1_000_000 || storedBytes === 2, `stored ${storedBytes} bytes`)
    assert.is((await ledger(store)).bytes, storedBytes)
  }))

  test('a store offering nothing refuses every chunk but holds none', onStore(make, 0, async store => {
    const chunk = randomChunk(1)
    assert.instance(await rejects(store.put(chunk.cid, chunk.bytes)), NoSpaceError)
    const nothing = randomChunk(0)
    assert.is(await store.put(nothing.cid, nothing.bytes), true, 'an empty chunk takes no space')
    assert.equal(await ledger(store), { chunks: 1, bytes: 0, space: 0 })
  }))

  test.run()
}
