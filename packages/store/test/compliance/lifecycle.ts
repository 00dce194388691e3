import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { StoreClosedError } from '../../src/errors.js'
import type { Store } from '../../src/index.js'
import { ledger, randomChunk, rejects } from '../helpers.js'
import { onFixture, PLENTY, type MakeStore } from './harness.js'

/** Every operation, run on a store that is not open: each must fail with StoreClosedError. */
async function assertClosed (store: Store): Promise<void> {
  const { cid, bytes } = randomChunk(10)
  const attempts: Array<[string, () => Promise<unknown>]> = [
    ['put', async () => await store.put(cid, bytes)],
    ['get', async () => await store.get(cid)],
    ['has', async () => await store.has(cid)],
    ['delete', async () => await store.delete(cid)],
    ['stats', async () => await store.stats()],
    ['list', async () => { for await (const _ of store.list()) { /* drain */ } }],
    ['record', async () => await store.record(cid)],
    ['addLeases', async () => await store.addLeases(cid, [])],
    ['dropLeases', async () => await store.dropLeases(cid, new Uint8Array(3))],
    ['records', async () => await store.records({ limit: 1 })],
    ['collectExpired', async () => await store.collectExpired(0, { limit: 1 })],
    ['getMeta', async () => await store.getMeta('x')],
    ['setMeta', async () => { await store.setMeta('x', 1) }],
    ['peerRecord', async () => await store.peerRecord('p')],
    ['updatePeer', async () => await store.updatePeer('p', old => old)],
    ['peerRecords', async () => { for await (const _ of store.peerRecords()) { /* drain */ } }]
  ]
  for (const [name, attempt] of attempts) {
    const err = await rejects(attempt())
    assert.instance(err, StoreClosedError, name)
    assert.is(err.code, 'ERR_STORE_CLOSED', name)
  }
}

/** start and stop: closed before and after, idempotent, what was held is held again. */
export function lifecycleRules (name: string, make: MakeStore): void {
  const test = suite(`${name}: start and stop`)

  test('operations before start and after stop fail with StoreClosedError', onFixture(make, PLENTY, async ({ store }) => {
    await assertClosed(store)
    await store.start()
    const chunk = randomChunk(100)
    await store.put(chunk.cid, chunk.bytes)
    await store.stop()
    await assertClosed(store)
  }))

  test('a list still running when the store stops fails with StoreClosedError', onFixture(make, PLENTY, async ({ store }) => {
    await store.start()
    for (let i = 0; i < 3; i++) { const c = randomChunk(100); await store.put(c.cid, c.bytes) }
    const listing = store.list()[Symbol.asyncIterator]()
    assert.is((await listing.next()).done, false)
    await store.stop()
    assert.instance(await rejects(listing.next()), StoreClosedError)
  }))

  test('stop then start again (and, where data outlives the instance, a new store on it): same chunks, same stats', onFixture(make, PLENTY, async ({ store, reopen }) => {
    await store.start()
    const chunks = Array.from({ length: 12 }, (_, i) => randomChunk(i * 5_000))
    for (const c of chunks) await store.put(c.cid, c.bytes)
    await store.delete(chunks[0].cid)
    const stats = await ledger(store)
    await store.stop()
    for (const again of [store, reopen?.()]) {
      if (again === undefined) continue
      await again.start()
      assert.equal(await ledger(again), stats)
      for (const c of chunks.slice(1)) assert.equal(Buffer.from((await again.get(c.cid))!), Buffer.from(c.bytes))
      assert.is(await again.has(chunks[0].cid), false)
      await again.stop()
    }
  }))

  test('stop waits for puts in flight; they complete and are held after a restart', onFixture(make, PLENTY, async ({ store }) => {
    await store.start()
    const chunks = Array.from({ length: 8 }, () => randomChunk(500_000))
    const puts = chunks.map(async c => await store.put(c.cid, c.bytes))
    await store.stop()
    assert.equal(await Promise.all(puts), chunks.map(() => true))
    await store.start()
    for (const c of chunks) assert.is(await store.has(c.cid), true)
  }))

  test('start and stop are idempotent and may be called concurrently', onFixture(make, PLENTY, async ({ store }) => {
    await Promise.all([store.start(), store.start()])
    await store.start()
    const chunk = randomChunk(100)
    await store.put(chunk.cid, chunk.bytes)
    await Promise.all([store.stop(), store.stop()])
    await store.stop()
    await assertClosed(store)
    await store.start()
    assert.is(await store.has(chunk.cid), true)
  }))

  test('a space that is not a whole number of bytes ≥ 0 is refused', async () => {
    for (const space of [-1, 1.5, Number.NaN, Infinity]) {
      const err = await rejects(make(space))
      assert.instance(err, RangeError, String(space))
      assert.match(err.message, /space/)
    }
  })

  test.run()
}
