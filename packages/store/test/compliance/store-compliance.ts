import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { ChunkTooLargeError, MAX_CHUNK_SIZE, NoSpaceError, StoreClosedError, UnsupportedCidError, type Store } from '../../src/index.js'
import { cidOf, ledger, randomChunk, rejects } from '../helpers.js'

export interface StoreFixture { store: Store, cleanup: () => Promise<void> }

/**
 * The Store contract, runnable against any implementation: `setup(space)` creates a
 * started store offering `space` bytes; cleanup stops it and removes what it made.
 */
export function storeCompliance (name: string, setupWith: (space: number) => Promise<StoreFixture>): void {
  const setup = async (): Promise<StoreFixture> => await setupWith(64 * 1024 * 1024)
  const test = suite<{ fixture?: StoreFixture }>(`${name}: Store contract`, {})
  test.before.each(async context => { context.fixture = await setup() })
  test.after.each(async context => { await context.fixture?.cleanup() })
  const storeOf = (context: { fixture?: StoreFixture }): Store => context.fixture!.store

  test('put stores a new chunk and get returns exactly its bytes', async context => {
    const store = storeOf(context)
    const chunk = randomChunk(70_001)
    assert.is(await store.put(chunk.cid, chunk.bytes), true)
    const back = await store.get(chunk.cid)
    assert.ok(back != null)
    assert.equal(Buffer.from(back), Buffer.from(chunk.bytes))
    assert.is(await store.has(chunk.cid), true)
  })

  test('an absent chunk: get is null, has is false, delete is false', async context => {
    const store = storeOf(context)
    const { cid } = randomChunk(10)
    assert.is(await store.get(cid), null)
    assert.is(await store.has(cid), false)
    assert.is(await store.delete(cid), false)
  })

  test('re-putting a held chunk returns false and changes nothing', async context => {
    const store = storeOf(context)
    const chunk = randomChunk(4096)
    assert.is(await store.put(chunk.cid, chunk.bytes), true)
    const before = await ledger(store)
    assert.is(await store.put(chunk.cid, chunk.bytes), false)
    assert.equal(await ledger(store), before)
    assert.equal(Buffer.from((await store.get(chunk.cid))!), Buffer.from(chunk.bytes))
  })

  test('concurrent puts of one chunk store it once', async context => {
    const store = storeOf(context)
    const chunk = randomChunk(300_000)
    const results = await Promise.all(Array.from({ length: 8 }, async () => await store.put(chunk.cid, chunk.bytes)))
    assert.is(results.filter(Boolean).length, 1)
    const stats = await ledger(store)
    assert.is(stats.chunks, 1)
    assert.is(stats.bytes, chunk.bytes.byteLength)
  })

  test('delete removes a held chunk once', async context => {
    const store = storeOf(context)
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
  })

  test('a deleted chunk can be put again', async context => {
    const store = storeOf(context)
    const chunk = randomChunk(5000)
    await store.put(chunk.cid, chunk.bytes)
    await store.delete(chunk.cid)
    assert.is(await store.put(chunk.cid, chunk.bytes), true)
    assert.equal(Buffer.from((await store.get(chunk.cid))!), Buffer.from(chunk.bytes))
  })

  test('list yields every held chunk exactly once', async context => {
    const store = storeOf(context)
    const chunks = Array.from({ length: 25 }, (_, i) => randomChunk(1 + i * 97))
    for (const { cid, bytes } of chunks) await store.put(cid, bytes)
    await store.delete(chunks[3].cid)
    const listed: CID[] = []
    for await (const cid of store.list()) listed.push(cid)
    const want = chunks.filter((_, i) => i !== 3).map(c => c.cid.toString()).sort()
    assert.equal(listed.map(c => c.toString()).sort(), want)
  })

  test('stats count chunks and bytes exactly', async context => {
    const store = storeOf(context)
    const empty = await ledger(store)
    assert.is(empty.chunks, 0)
    assert.is(empty.bytes, 0)
    const sizes = [0, 1, 1000, 65_536, 1_048_576]
    for (const size of sizes) { const c = randomChunk(size); await store.put(c.cid, c.bytes) }
    const stats = await ledger(store)
    assert.is(stats.chunks, sizes.length)
    assert.is(stats.bytes, sizes.reduce((a, b) => a + b, 0))
    assert.is(stats.space, empty.space)
  })

  test('an empty chunk is a chunk like any other', async context => {
    const store = storeOf(context)
    const bytes = new Uint8Array(0)
    const cid = cidOf(bytes)
    assert.is(await store.put(cid, bytes), true)
    assert.is((await store.get(cid))?.byteLength, 0)
  })

  test('a put aborted before it starts stores nothing', async context => {
    const store = storeOf(context)
    const chunk = randomChunk(1000)
    const err = await rejects(store.put(chunk.cid, chunk.bytes, { signal: AbortSignal.abort() }))
    assert.is(err.name, 'AbortError')
    assert.is(await store.has(chunk.cid), false)
    assert.is((await ledger(store)).chunks, 0)
  })

  test('the bytes passed to put are verified against the CID', async context => {
    const store = storeOf(context)
    const chunk = randomChunk(1000)
    const other = randomChunk(1000)
    const err = await rejects(store.put(chunk.cid, other.bytes))
    assert.is(err.name, 'IntegrityError')
    assert.is(err.code, 'ERR_INTEGRITY')
    assert.is(await store.has(chunk.cid), false)
  })

  test('a put past the space offered fails with NoSpaceError and stores nothing', async () => {
    const { store, cleanup } = await setupWith(10_000)
    try {
      assert.is(await store.put(randomChunk(6_000).cid, randomChunk(6_000).bytes).catch(() => 'refused'), 'refused', 'bytes that are not their CID')
      const first = randomChunk(6_000)
      assert.is(await store.put(first.cid, first.bytes), true)
      const second = randomChunk(6_000)
      assert.instance(await rejects(store.put(second.cid, second.bytes)), NoSpaceError)
      assert.is(await store.has(second.cid), false)
      assert.equal(await ledger(store), { chunks: 1, bytes: 6_000, space: 10_000 })
    } finally {
      await cleanup()
    }
  })

  test('a chunk over the largest size is ChunkTooLargeError; an address not raw sha2-256 is UnsupportedCidError', async context => {
    const store = storeOf(context)
    const big = new Uint8Array(MAX_CHUNK_SIZE + 1)
    assert.instance(await rejects(store.put(cidOf(big), big)), ChunkTooLargeError)
    const bytes = new Uint8Array([1, 2, 3])
    const dagCbor = CID.createV1(0x71, Digest.create(0x12, cidOf(bytes).multihash.digest))
    assert.instance(await rejects(store.put(dagCbor, bytes)), UnsupportedCidError)
    assert.is(await store.has(dagCbor), false)
    assert.is(await store.get(dagCbor), null)
  })

  test('the store keeps its own copy: the caller may reuse what it put and change what it got', async context => {
    const store = storeOf(context)
    const chunk = randomChunk(1_000)
    const given = Uint8Array.from(chunk.bytes)
    await store.put(chunk.cid, given)
    given.fill(0)
    const got = await store.get(chunk.cid)
    assert.ok(got !== null && Buffer.from(got).equals(chunk.bytes))
    got.fill(1)
    const again = await store.get(chunk.cid)
    assert.ok(again !== null && Buffer.from(again).equals(chunk.bytes))
  })

  test('after stop every operation fails with StoreClosedError', async () => {
    const { store, cleanup } = await setupWith(1_000_000)
    const chunk = randomChunk(100)
    await store.put(chunk.cid, chunk.bytes)
    await store.stop()
    try {
      for (const operation of [store.put(chunk.cid, chunk.bytes), store.get(chunk.cid), store.has(chunk.cid), store.delete(chunk.cid), store.stats()]) {
        assert.instance(await rejects(operation), StoreClosedError)
      }
    } finally {
      await cleanup()
    }
  })

  test.run()
}
