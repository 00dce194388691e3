import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { open, readFile, truncate, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createStore, IntegrityError } from '../src/index.js'
import { diskAgrees, ledger, expectedBlobPath, filesIn, MiB, openTempStore, randomChunk, rejects } from './helpers.js'

async function flipByte (path: string, at: number): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    const one = Buffer.alloc(1)
    await handle.read(one, 0, 1, at)
    one[0] ^= 0x40
    await handle.write(one, 0, 1, at)
  } finally { await handle.close() }
}

test('a flipped byte on disk: IntegrityError, blob quarantined, stats drop, others still served', async () => {
  const { dir, store, cleanup } = await openTempStore()
  try {
    const chunks = [randomChunk(10_000), randomChunk(200_000), randomChunk(30_000)]
    for (const c of chunks) await store.put(c.cid, c.bytes)
    const victim = chunks[1]
    const before = await ledger(store)
    const original = await readFile(expectedBlobPath(dir, victim.cid))
    await flipByte(expectedBlobPath(dir, victim.cid), 123_456)

    const err = await rejects(store.get(victim.cid))
    assert.instance(err, IntegrityError)
    assert.is(err.code, 'ERR_INTEGRITY')

    const quarantined = await filesIn(join(dir, 'quarantine'))
    assert.is(quarantined.length, 1)
    assert.ok(quarantined[0].startsWith(victim.cid.toString()), quarantined[0])
    const kept = await readFile(join(dir, 'quarantine', quarantined[0]))
    assert.is(kept.byteLength, original.byteLength)
    assert.not.equal(kept, original)

    assert.equal(await ledger(store), { ...before, chunks: before.chunks - 1, bytes: before.bytes - victim.bytes.byteLength })
    assert.is(await store.has(victim.cid), false)
    assert.is(await store.get(victim.cid), null)
    for (const c of [chunks[0], chunks[2]]) {
      assert.equal(Buffer.from((await store.get(c.cid))!), Buffer.from(c.bytes))
    }
    const check = await diskAgrees(dir, store)
    assert.ok(check.ok, check.detail)

    // the vault heals when the chunk is offered again
    assert.is(await store.put(victim.cid, victim.bytes), true)
    assert.equal(Buffer.from((await store.get(victim.cid))!), Buffer.from(victim.bytes))
  } finally { await cleanup() }
})

test('truncated, emptied and oversized blobs are corrupt too', async () => {
  const { dir, store, cleanup } = await openTempStore()
  try {
    const [truncated, emptied, oversized] = [randomChunk(50_000), randomChunk(50_000), randomChunk(50_000)]
    for (const c of [truncated, emptied, oversized]) await store.put(c.cid, c.bytes)
    await truncate(expectedBlobPath(dir, truncated.cid), 49_999)
    await truncate(expectedBlobPath(dir, emptied.cid), 0)
    await writeFile(expectedBlobPath(dir, oversized.cid), Buffer.alloc(5 * MiB))
    for (const c of [truncated, emptied, oversized]) {
      assert.instance(await rejects(store.get(c.cid)), IntegrityError)
    }
    assert.equal(await ledger(store), { chunks: 0, bytes: 0, space: Number.MAX_SAFE_INTEGER })
    assert.is((await filesIn(join(dir, 'quarantine'))).length, 3)
  } finally { await cleanup() }
})

test('a blob removed behind the store\'s back reads as absent and stops being counted', async () => {
  const { dir, store, cleanup } = await openTempStore()
  try {
    const chunk = randomChunk(8_000)
    await store.put(chunk.cid, chunk.bytes)
    await unlink(expectedBlobPath(dir, chunk.cid))
    assert.is(await store.get(chunk.cid), null)
    assert.is(await store.has(chunk.cid), false)
    assert.equal(await ledger(store), { chunks: 0, bytes: 0, space: Number.MAX_SAFE_INTEGER })
  } finally { await cleanup() }
})

test('quarantine survives a restart and the books stay exact', async () => {
  const { dir, store, cleanup } = await openTempStore()
  try {
    const chunks = [randomChunk(1_000), randomChunk(2_000)]
    for (const c of chunks) await store.put(c.cid, c.bytes)
    await flipByte(expectedBlobPath(dir, chunks[0].cid), 0)
    await rejects(store.get(chunks[0].cid))
    await store.stop()
    const again = createStore({ dir, space: Number.MAX_SAFE_INTEGER })
    await again.start()
    try {
      assert.equal(await ledger(again), { chunks: 1, bytes: 2_000, space: Number.MAX_SAFE_INTEGER })
      const check = await diskAgrees(dir, again)
      assert.ok(check.ok, check.detail)
    } finally { await again.stop() }
  } finally { await cleanup() }
})

test.run()
