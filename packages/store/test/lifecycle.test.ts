// The disk store's own lifecycle: what survives into another instance. The rules every
// store follows (closed before start and after stop, idempotent, in-flight puts) are in
// the compliance suite.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createStore } from '../src/index.js'
import { ledger, makeTempDir, randomChunk, removeDir } from './helpers.js'

test('a fresh store on the same dir holds what the stopped one held, with the same stats', async () => {
  const dir = await makeTempDir()
  const store = createStore({ dir, space: 1e9 })
  const fresh = createStore({ dir, space: 1e9 })
  try {
    await store.start()
    const chunks = Array.from({ length: 12 }, (_, i) => randomChunk(i * 5_000))
    for (const c of chunks) await store.put(c.cid, c.bytes)
    await store.delete(chunks[0].cid)
    const stats = await ledger(store)
    await store.stop()
    await fresh.start()
    assert.equal(await ledger(fresh), stats)
    for (const c of chunks.slice(1)) assert.equal(Buffer.from((await fresh.get(c.cid))!), Buffer.from(c.bytes))
    assert.is(await fresh.has(chunks[0].cid), false)
  } finally {
    await store.stop()
    await fresh.stop()
    await removeDir(dir)
  }
})

test.run()
