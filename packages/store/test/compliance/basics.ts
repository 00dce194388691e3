import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { CID } from 'multiformats/cid'
import { cidOf, ledger, randomChunk, rejects } from '../helpers.js'
import { onStore, PLENTY, type MakeStore } from './harness.js'

/** put, get, has, delete, list and stats; aborts; who owns the bytes. */
export function basicRules (name: string, make: MakeStore): void {
  const test = suite(`${name}: put, get, delete, list, stats`)

  test('put stores a new chunk and get returns exactly its bytes', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(70_001)
    assert.is(await store.put(chunk.cid, chunk.bytes), true)
    const back = await store.get(chunk.cid)
    assert.ok(back != null)
    assert.equal(Buffer.from(back), Buffer.from(chunk.bytes))
    assert.is(await store.has(chunk.cid), true)
  }))

  test('an absent chunk: get is null, has is false, delete is false', onStore(make, PLENTY, async store => {
    const { cid } = randomChunk(10)
    assert.is(await store.get(cid), null)
    assert.is(await store.has(cid), false)
    assert.is(await store.delete(cid), false)
  }))

  test('re-putting a held chunk returns false and changes nothing', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(4096)
    assert.is(await store.put(chunk.cid, chunk.bytes), true)
    const before = await ledger(store)
    assert.is(await store.put(chunk.cid, chunk.bytes), false)
    assert.equal(await ledger(store), before)
    assert.equal(Buffer.from((await store.get(chunk.cid))!), Buffer.from(chunk.bytes))
  }))

  test('concurrent puts of one chunk store it once', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(300_000)
    const results = await Promise.all(Array.from({ length: 8 }, async () => await store.put(chunk.cid, chunk.bytes)))
    assert.is(results.filter(Boolean).length, 1)
    const stats = await ledger(store)
    assert.is(stats.chunks, 1)
    assert.is(stats.bytes, chunk.bytes.byteLength)
  }))

  test('delete removes a held chunk once', onStore(make, PLENTY, async store => {
    const kept = randomChunk(1000)
    const gone = randomChunk(2000)
    await store.put(kept.cid, kept.bytes)
    await store.put(gone.cid, gone.bytes)
    assert.is(await store.delete(gone.cid), true)
    assert.is(await store.get(gone.cid), null)
    assert.is(await store.has(gone.cid), false)
    assert.is(await store.delete(gone.cid), false)
    const { chunks, bytes } = await ledger(store)
    assert.equal({ chunks, bytes }, { chunks: 1, bytes: 1000 })
    assert.equal(Buffer.from((await store.get(kept.cid))!), Buffer.from(kept.bytes))
  }))

  test('a deleted chunk can be put again', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(5000)
    await store.put(chunk.cid, chunk.bytes)
    await store.delete(chunk.cid)
    assert.is(await store.put(chunk.cid, chunk.bytes), true)
    assert.equal(Buffer.from((await store.get(chunk.cid))!), Buffer.from(chunk.bytes))
  }))

  test('list yields every held chunk exactly once', onStore(make, PLENTY, async store => {
    const chunks = Array.from({ length: 25 }, (_, i) => randomChunk(1 + i * 97))
    for (const { cid, bytes } of chunks) await store.put(cid, bytes)
    await store.delete(chunks[3].cid)
    const listed: CID[] = []
    for await (const cid of store.list()) listed.push(cid)
    const want = chunks.filter((_, i) => i !== 3).map(c => c.cid.toString()).sort()
    assert.equal(listed.map(c => c.toString()).sort(), want)
  }))

  test('stats count chunks and bytes exactly', onStore(make, PLENTY, async store => {
    const empty = await ledger(store)
    assert.equal(empty, { chunks: 0, bytes: 0, space: PLENTY })
    const sizes = [0, 1, 1000, 65_536, 1_048_576]
    for (const size of sizes) { const c = randomChunk(size); await store.put(c.cid, c.bytes) }
    assert.equal(await ledger(store), { chunks: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0), space: PLENTY })
  }))

  test('an empty chunk is a chunk like any other', onStore(make, PLENTY, async store => {
    const bytes = new Uint8Array(0)
    const cid = cidOf(bytes)
    assert.is(await store.put(cid, bytes), true)
    assert.is((await store.get(cid))?.byteLength, 0)
  }))

  test('a put aborted before it starts stores nothing; a get aborted before it starts rejects', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(1000)
    const err = await rejects(store.put(chunk.cid, chunk.bytes, { signal: AbortSignal.abort() }))
    assert.is(err.name, 'AbortError')
    assert.is(await store.has(chunk.cid), false)
    assert.is((await ledger(store)).chunks, 0)
    await store.put(chunk.cid, chunk.bytes)
    const reason = new Error('gave up')
    assert.is(await rejects(store.get(chunk.cid, { signal: AbortSignal.abort(reason) })), reason)
  }))

  test('the store keeps its own copy: the caller may reuse what it put and change what it got', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(1_000)
    // a view into a bigger buffer, as a caller's pooled memory would be
    const pooled = new Uint8Array(3_000)
    const given = pooled.subarray(1_000, 2_000)
    given.set(chunk.bytes)
    await store.put(chunk.cid, given)
    pooled.fill(0)
    const got = await store.get(chunk.cid)
    assert.ok(got !== null && Buffer.from(got).equals(chunk.bytes))
    got.fill(1)
    const again = await store.get(chunk.cid)
    assert.ok(again !== null && Buffer.from(again).equals(chunk.bytes))
  }))

  test.run()
}
