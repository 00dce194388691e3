import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { IntegrityError, UnsupportedCidError } from '../src/index.js'
import { blobFiles, filesIn, openTempStore, randomChunk, rejects } from './helpers.js'
import { join } from 'node:path'

test('bytes that do not hash to the CID are refused with IntegrityError and leave no trace', async () => {
  const { dir, store, cleanup } = await openTempStore()
  try {
    const chunk = randomChunk(100_000)
    const tampered = Uint8Array.from(chunk.bytes)
    tampered[50_000] ^= 1
    const err = await rejects(store.put(chunk.cid, tampered))
    assert.instance(err, IntegrityError)
    assert.is(err.name, 'IntegrityError')
    assert.is(err.code, IntegrityError.code)
    assert.is(await store.has(chunk.cid), false)
    assert.equal(await blobFiles(dir), [])
    assert.equal(await filesIn(join(dir, 'tmp')), [])
    assert.is((await store.stats()).bytes, 0)
  } finally { await cleanup() }
})

test('a held chunk re-put with wrong bytes is still an IntegrityError', async () => {
  const { store, cleanup } = await openTempStore()
  try {
    const chunk = randomChunk(1000)
    await store.put(chunk.cid, chunk.bytes)
    const err = await rejects(store.put(chunk.cid, randomChunk(1000).bytes))
    assert.instance(err, IntegrityError)
  } finally { await cleanup() }
})

test('hashed: true skips the put-time hash (the caller vouches); a get still catches bytes that lied', async () => {
  const { dir, store, cleanup } = await openTempStore()
  try {
    const chunk = randomChunk(100_000)
    assert.is(await store.put(chunk.cid, chunk.bytes, { hashed: true }), true)
    assert.ok(Buffer.from(chunk.bytes).equals(await store.get(chunk.cid) as Uint8Array))
    // A caller that vouches wrongly: the store takes its word at put time only.
    const liar = randomChunk(1000)
    assert.is(await store.put(liar.cid, randomChunk(1000).bytes, { hashed: true }), true)
    assert.instance(await rejects(store.get(liar.cid)), IntegrityError)
    assert.is(await store.has(liar.cid), false)
    assert.equal((await blobFiles(dir)).length, 1)
    assert.is((await store.stats()).bytes, 100_000)
  } finally { await cleanup() }
})

test('CIDs other than v1 raw sha2-256 are refused with UnsupportedCidError', async () => {
  const { store, cleanup } = await openTempStore()
  try {
    const bytes = new Uint8Array([1, 2, 3])
    const digest = createHash('sha256').update(bytes).digest()
    const sha512 = createHash('sha512').update(bytes).digest()
    const refused = [
      CID.createV0(Digest.create(0x12, digest)), // v0 (dag-pb)
      CID.createV1(0x71, Digest.create(0x12, digest)), // dag-cbor
      CID.createV1(0x55, Digest.create(0x13, sha512)), // sha2-512
      CID.createV1(0x55, Digest.create(0x00, bytes)) // identity
    ]
    for (const cid of refused) {
      const err = await rejects(store.put(cid, bytes))
      assert.instance(err, UnsupportedCidError, cid.toString())
      assert.is(err.code, 'ERR_UNSUPPORTED_CID')
      assert.match(err.message, cid.toString())
      // a CID the store could never hold is simply absent everywhere else
      assert.is(await store.get(cid), null)
      assert.is(await store.has(cid), false)
      assert.is(await store.delete(cid), false)
    }
    assert.is((await store.stats()).chunks, 0)
  } finally { await cleanup() }
})

test.run()
