// key = HMAC-SHA256(convergenceSecret, sha256(plaintext)): the primitive against
// RFC 4231, the composition against @noble/hashes, and the properties dedup needs.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { convergentKey, convergentKeyFromDigest, generateConvergenceSecret, sha256 } from '../src/index.js'
import { hmacSha256 } from '../src/hash.js'
import { createPrng, hex, isPlainUint8Array, readFixture, sameBytes, throwsType, toHex } from './helpers.js'

interface Vector { name: string, key: string, data: string, sha256: string, truncate?: number }
const { vectors } = readFixture<{ vectors: Vector[] }>('rfc4231-hmac-sha256.json')
const prng = createPrng(0xc0417e)

test('HMAC-SHA256 matches RFC 4231 test cases 1-7', () => {
  assert.is(vectors.length, 7)
  assert.ok(vectors[1].name.includes('Test Case 2'))
  for (const v of vectors) {
    const mac = hmacSha256(hex(v.key), hex(v.data))
    assert.is(toHex(mac.subarray(0, v.truncate ?? 32)), v.sha256, v.name)
  }
})

test('convergentKey = HMAC-SHA256(secret, sha256(plaintext)), checked against @noble/hashes', () => {
  for (const size of [0, 1, 55, 56, 64, 1000, 300_000]) {
    const secret = prng.bytes(32)
    const plaintext = prng.bytes(size)
    const key = convergentKey(secret, plaintext)
    assert.is(key.byteLength, 32)
    assert.ok(isPlainUint8Array(key))
    sameBytes(key, hmac(nobleSha256, secret, nobleSha256(plaintext)), `size ${size}`)
  }
})

test('convergentKey(secret, p) = convergentKeyFromDigest(secret, sha256(p))', () => {
  for (const size of [0, 1, 4096, 100_000]) {
    const secret = prng.bytes(32)
    const plaintext = prng.bytes(size)
    sameBytes(convergentKey(secret, plaintext), convergentKeyFromDigest(secret, sha256(plaintext)), `size ${size}`)
  }
})

test('same secret and plaintext give the same key; a different secret or plaintext does not', () => {
  const secret = generateConvergenceSecret()
  const otherSecret = generateConvergenceSecret()
  const plaintext = prng.bytes(1000)
  sameBytes(convergentKey(secret, plaintext), convergentKey(secret.slice(), plaintext.slice()), 'deterministic')
  assert.is.not(toHex(convergentKey(secret, plaintext)), toHex(convergentKey(otherSecret, plaintext)), 'two secrets')
  const changed = plaintext.slice()
  changed[999] ^= 1
  assert.is.not(toHex(convergentKey(secret, plaintext)), toHex(convergentKey(secret, changed)), 'one bit of plaintext')
  assert.is.not(toHex(convergentKey(secret, plaintext)), toHex(sha256(plaintext)), 'key is not the bare digest')
})

test('wrong lengths are a RangeError, non-bytes a TypeError', () => {
  const secret = generateConvergenceSecret()
  for (const length of [0, 16, 31, 33]) {
    throwsType(() => convergentKey(new Uint8Array(length), new Uint8Array(1)), RangeError, `${length}-byte secret`)
    throwsType(() => convergentKeyFromDigest(new Uint8Array(length), new Uint8Array(32)), RangeError, `${length}-byte secret (digest form)`)
    throwsType(() => convergentKeyFromDigest(secret, new Uint8Array(length)), RangeError, `${length}-byte digest`)
  }
  throwsType(() => convergentKey('secret' as unknown as Uint8Array, new Uint8Array(1)), TypeError, 'string secret')
  throwsType(() => convergentKey(secret, 'plaintext' as unknown as Uint8Array), TypeError, 'string plaintext')
})

test.run()
