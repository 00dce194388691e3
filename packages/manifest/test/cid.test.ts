// Chunk addresses: known answers from an independent implementation (Python), agreement
// with multiformats' own CID.create path, and strict rejection of every other CID.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 as mfSha256, sha512 } from 'multiformats/hashes/sha2'
import { base32 } from 'multiformats/bases/base32'
import { base58btc } from 'multiformats/bases/base58'
import { chunkCid, parseChunkCid, InvalidCidError } from '../src/index.js'
import { fixture, fromHex, prng, sha256, throwsWith } from './helpers.js'

interface Vector { input: string, sha256: string, cid: string }
const { vectors } = fixture<{ vectors: Vector[] }>('cids.json')

test('the empty string and "hello" have their known CIDs', () => {
  assert.is(chunkCid(sha256('')).toString(), 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')
  assert.is(chunkCid(sha256('hello')).toString(), 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq')
})

test('fixture vectors match chunkCid, parseChunkCid and multiformats CID.create', async () => {
  assert.ok(vectors.length >= 3)
  for (const v of vectors) {
    assert.is(Buffer.from(sha256(v.input)).toString('hex'), v.sha256)
    const ours = chunkCid(fromHex(v.sha256))
    const theirs = CID.create(1, raw.code, await mfSha256.digest(new TextEncoder().encode(v.input)))
    assert.is(ours.toString(), v.cid)
    assert.is(theirs.toString(), v.cid)
    assert.ok(ours.equals(theirs))
    assert.equal(ours.bytes, theirs.bytes)
    const parsed = parseChunkCid(v.cid)
    assert.ok(parsed.equals(theirs))
    assert.is(parsed.version, 1)
    assert.is(parsed.code, 0x55)
    assert.is(parsed.multihash.code, 0x12)
  }
})

test('parse and format round trip on random digests', () => {
  const rng = prng(1)
  for (let i = 0; i < 300; i++) {
    const cid = chunkCid(rng.bytes(32))
    const text = cid.toString()
    assert.is(text, cid.toString(base32))
    assert.ok(parseChunkCid(text).equals(cid))
    assert.is(parseChunkCid(text).toString(), text)
  }
})

test('chunkCid copies the digest it is given', () => {
  const digest = sha256('x')
  const cid = chunkCid(digest)
  const before = cid.toString()
  digest.fill(0)
  assert.is(cid.toString(), before)
  assert.equal(cid.multihash.digest, sha256('x'))
})

test('chunkCid rejects digests that are not 32 bytes', () => {
  throwsWith(() => chunkCid(new Uint8Array(31)), InvalidCidError, '31 bytes, expected 32')
  throwsWith(() => chunkCid(new Uint8Array(64)), InvalidCidError, '64 bytes')
  throwsWith(() => chunkCid('abc' as unknown as Uint8Array), InvalidCidError, 'Uint8Array')
})

const digest = sha256('payload')
const cases: Array<[string, unknown, string]> = [
  ['empty', '', 'empty'],
  ['not a string', 42, 'expected a string'],
  ['oversize', 'b'.repeat(10_000), 'far longer'],
  ['CIDv0', CID.createV0(Digest.create(0x12, digest)).toString(), 'CIDv0'],
  ['base58btc CIDv1', chunkCid(digest).toString(base58btc), 'prefix "z"'],
  ['uppercase base32', chunkCid(digest).toString().toUpperCase(), 'prefix "B"'],
  ['uppercase letter inside', 'b' + chunkCid(digest).toString().slice(1, 10).toUpperCase() + chunkCid(digest).toString().slice(10), 'uppercase'],
  ['CIDv0 bytes in base32', 'b' + base32.baseEncode(CID.createV0(Digest.create(0x12, digest)).bytes), 'version 0'],
  ['dag-pb codec', CID.createV1(0x70, Digest.create(0x12, digest)).toString(), 'codec 0x70'],
  ['dag-cbor codec', CID.createV1(0x71, Digest.create(0x12, digest)).toString(), 'codec 0x71'],
  ['sha2-512', CID.createV1(0x55, Digest.create(sha512.code, new Uint8Array(64))).toString(), 'hash function 0x13'],
  ['identity hash', CID.createV1(0x55, Digest.create(0x00, new Uint8Array(32))).toString(), 'hash function 0x0'],
  ['short digest', CID.createV1(0x55, Digest.create(0x12, digest.subarray(0, 20))).toString(), 'digest is 20 bytes'],
  ['trailing byte', base32.encode(Uint8Array.from([...chunkCid(digest).bytes, 0])), 'malformed CID bytes'],
  ['truncated', chunkCid(digest).toString().slice(0, -2), 'malformed CID bytes'],
  ['impossible base32 length', chunkCid(digest).toString().slice(0, -1), 'not a possible base32 length'],
  ['non-canonical padding bits', chunkCid(digest).toString().slice(0, -1) + 'r', 'non-zero padding bits'],
  ['non-minimal varint version', base32.encode(Uint8Array.from([0x81, 0x00, ...chunkCid(digest).bytes.subarray(1)])), 'minimally'],
  ['whitespace', ' ' + chunkCid(digest).toString(), 'prefix " "'],
  ['bad character', chunkCid(digest).toString().replace(/.$/, '1'), 'not base32']
]

test('parseChunkCid rejects anything but canonical CIDv1/raw/sha2-256 base32', () => {
  for (const [what, input, fragment] of cases) {
    const err = throwsWith(() => parseChunkCid(input as string), InvalidCidError, fragment)
    assert.is((err as InvalidCidError).code, 'ERR_INVALID_CID', what)
    assert.is(err.name, 'InvalidCidError', what)
  }
})

test.run()
