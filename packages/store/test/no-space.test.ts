// The disk store's own space case: a vault reopened offering less than it holds. The
// space rules every store follows are in the compliance suite.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createStore, NoSpaceError } from '../src/index.js'
import { ledger, openTempStore, randomChunk, rejects } from './helpers.js'

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
