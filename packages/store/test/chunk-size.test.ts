import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ChunkTooLargeError, MAX_CHUNK_SIZE } from '../src/index.js'
import { MiB, openTempStore, randomChunk, rejects } from './helpers.js'

test('the largest chunk (4 MiB + 16-byte tag) is accepted', async () => {
  assert.is(MAX_CHUNK_SIZE, 4 * MiB + 16)
  const { store, cleanup } = await openTempStore()
  try {
    const chunk = randomChunk(MAX_CHUNK_SIZE)
    assert.is(await store.put(chunk.cid, chunk.bytes), true)
    assert.is((await store.get(chunk.cid))?.byteLength, MAX_CHUNK_SIZE)
  } finally { await cleanup() }
})

test('one byte more is refused with ChunkTooLargeError before anything is written', async () => {
  const { store, cleanup } = await openTempStore()
  try {
    const chunk = randomChunk(MAX_CHUNK_SIZE + 1)
    const err = await rejects(store.put(chunk.cid, chunk.bytes))
    assert.instance(err, ChunkTooLargeError)
    assert.is(err.code, 'ERR_CHUNK_TOO_LARGE')
    assert.is(err.size, MAX_CHUNK_SIZE + 1)
    assert.is(err.max, MAX_CHUNK_SIZE)
    assert.is(await store.has(chunk.cid), false)
    assert.is((await store.stats()).bytes, 0)
  } finally { await cleanup() }
})

test.run()
