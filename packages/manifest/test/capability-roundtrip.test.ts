// A capability URI is `shoal:<CID>#<key>`, and format/parse are inverse on valid URIs.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { chunkCid, formatCapability, parseCapability, InvalidCapabilityError } from '../src/index.js'
import { prng, sha256, throwsWith } from './helpers.js'

test('known capability', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i)
  const uri = formatCapability({ cid: chunkCid(sha256('')), key })
  // key: RFC 4648 base32 of 00 01 .. 1f, lowercase, unpadded (checked with Python's base64.b32encode)
  assert.is(uri, 'shoal:bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku#aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq')
  assert.is(uri.length, 118)
  const cap = parseCapability(uri)
  assert.is(cap.cid.toString(), 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')
  assert.equal(cap.key, key)
})

test('format ∘ parse is the identity on valid URIs, parse ∘ format on capabilities', () => {
  const rng = prng(11)
  for (let i = 0; i < 1000; i++) {
    const cap = { cid: chunkCid(rng.bytes(32)), key: rng.bytes(32) }
    const uri = formatCapability(cap)
    assert.match(uri, /^shoal:bafkrei[a-z2-7]{52}#[a-z2-7]{52}$/)
    const parsed = parseCapability(uri)
    assert.ok(parsed.cid.equals(cap.cid))
    assert.equal(parsed.key, cap.key)
    assert.is(formatCapability(parsed), uri)
  }
})

test('formatCapability refuses what is not a capability', () => {
  const key = new Uint8Array(32)
  throwsWith(() => formatCapability({ cid: chunkCid(sha256('x')), key: new Uint8Array(31) }), InvalidCapabilityError, 'key must be 32 bytes')
  throwsWith(() => formatCapability({ cid: 'bafkrei' as any, key }), InvalidCapabilityError, 'cid is not a CID')
  throwsWith(() => formatCapability({ cid: CID.createV1(0x71, Digest.create(0x12, sha256('x'))), key }), InvalidCapabilityError, 'codec 0x71')
  throwsWith(() => formatCapability(null as any), InvalidCapabilityError, 'expected an object')
})

test.run()
