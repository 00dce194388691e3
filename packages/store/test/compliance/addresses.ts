import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { MAX_CHUNK_SIZE } from '../../src/address.js'
import { ChunkTooLargeError, IntegrityError, UnsupportedCidError } from '../../src/errors.js'
import { ledger, MiB, randomChunk, rejects } from '../helpers.js'
import { onStore, PLENTY, type MakeStore } from './harness.js'

/** What a store accepts: raw sha2-256 CIDs, bytes that hash to them, chunks up to the largest size. */
export function addressRules (name: string, make: MakeStore): void {
  const test = suite(`${name}: addresses, integrity, sizes`)

  test('bytes that do not hash to the CID are refused with IntegrityError and leave no trace', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(100_000)
    const tampered = Uint8Array.from(chunk.bytes)
    tampered[50_000] ^= 1
    const err = await rejects(store.put(chunk.cid, tampered))
    assert.instance(err, IntegrityError)
    assert.is(err.name, 'IntegrityError')
    assert.is(err.code, 'ERR_INTEGRITY')
    assert.is(await store.has(chunk.cid), false)
    assert.equal(await ledger(store), { chunks: 0, bytes: 0, space: PLENTY })
  }))

  test('a held chunk re-put with wrong bytes is still an IntegrityError', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(1000)
    await store.put(chunk.cid, chunk.bytes)
    assert.instance(await rejects(store.put(chunk.cid, randomChunk(1000).bytes)), IntegrityError)
  }))

  test('hashed: true skips the put-time hash (the caller vouches); a get still catches bytes that lied, and drops them', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(100_000)
    assert.is(await store.put(chunk.cid, chunk.bytes, { hashed: true }), true)
    assert.ok(Buffer.from(chunk.bytes).equals(await store.get(chunk.cid) as Uint8Array))
    // a caller that vouches wrongly: the store takes its word at put time only
    const liar = randomChunk(1000)
    assert.is(await store.put(liar.cid, randomChunk(1000).bytes, { hashed: true }), true)
    assert.instance(await rejects(store.get(liar.cid)), IntegrityError)
    assert.is(await store.has(liar.cid), false)
    assert.is(await store.get(liar.cid), null)
    assert.equal(await ledger(store), { chunks: 1, bytes: 100_000, space: PLENTY })
  }))

  test('CIDs other than v1 raw sha2-256 are refused with UnsupportedCidError, and absent everywhere else', onStore(make, PLENTY, async store => {
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
      assert.is(await store.get(cid), null)
      assert.is(await store.has(cid), false)
      assert.is(await store.delete(cid), false)
    }
    assert.is((await ledger(store)).chunks, 0)
  }))

  test('the largest chunk (4 MiB + 16-byte tag) is accepted; one byte more is ChunkTooLargeError', onStore(make, PLENTY, async store => {
    assert.is(MAX_CHUNK_SIZE, 4 * MiB + 16)
    const largest = randomChunk(MAX_CHUNK_SIZE)
    assert.is(await store.put(largest.cid, largest.bytes), true)
    assert.is((await store.get(largest.cid))?.byteLength, MAX_CHUNK_SIZE)
    const over = randomChunk(MAX_CHUNK_SIZE + 1)
    const err = await rejects(store.put(over.cid, over.bytes))
    assert.instance(err, ChunkTooLargeError)
    assert.is(err.code, 'ERR_CHUNK_TOO_LARGE')
    assert.is(err.size, MAX_CHUNK_SIZE + 1)
    assert.is(err.max, MAX_CHUNK_SIZE)
    assert.is(await store.has(over.cid), false)
    assert.equal(await ledger(store), { chunks: 1, bytes: MAX_CHUNK_SIZE, space: PLENTY })
  }))

  test.run()
}
