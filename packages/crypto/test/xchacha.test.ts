// XChaCha20-Poly1305 for manifests: the draft's known answer, random nonces, and
// refusal of every kind of tampering.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { randomKey, xchachaOpen, xchachaSeal } from '../src/index.js'
import { xchachaSealWithNonce } from '../src/xchacha.js'
import { concat, createPrng, hex, isPlainUint8Array, readFixture, sameBytes, throwsIntegrity, throwsType } from './helpers.js'

interface Vector { name: string, key: string, nonce: string, aad: string, plaintext: string, ciphertext: string, tag: string }
const { vectors } = readFixture<{ vectors: Vector[] }>('xchacha20-poly1305-draft-03.json')
const prng = createPrng(0xc4ac4a)
const text = new TextEncoder()

test('draft-irtf-cfrg-xchacha-03 §A.3.1: seal gives nonce ‖ ciphertext ‖ tag, open gives the plaintext', () => {
  assert.is(vectors.length, 1)
  const v = vectors[0]
  const expected = concat(hex(v.nonce), hex(v.ciphertext), hex(v.tag))
  sameBytes(xchachaSealWithNonce(hex(v.key), hex(v.nonce), hex(v.plaintext), hex(v.aad)), expected, 'sealed')
  sameBytes(xchachaOpen(hex(v.key), expected, hex(v.aad)), hex(v.plaintext), 'opened')
  throwsIntegrity(() => xchachaOpen(hex(v.key), expected), 'AAD left out')
})

test('round trips with and without AAD', () => {
  const key = randomKey()
  const aad = text.encode('shoal manifest v1')
  for (const size of [0, 1, 15, 16, 17, 1000, 100_000]) {
    const plaintext = prng.bytes(size)
    const sealed = xchachaSeal(key, plaintext)
    assert.is(sealed.byteLength, 24 + size + 16)
    const opened = xchachaOpen(key, sealed)
    assert.ok(isPlainUint8Array(opened))
    sameBytes(opened, plaintext, `no AAD, ${size}`)
    sameBytes(xchachaOpen(key, xchachaSeal(key, plaintext, aad), aad), plaintext, `AAD, ${size}`)
  }
})

test('each seal draws a fresh random nonce', () => {
  const key = randomKey()
  const plaintext = text.encode('same manifest twice')
  const a = xchachaSeal(key, plaintext)
  const b = xchachaSeal(key, plaintext)
  assert.is.not(Buffer.compare(a.subarray(0, 24), b.subarray(0, 24)), 0, 'nonces differ')
  assert.is.not(Buffer.compare(a.subarray(24), b.subarray(24)), 0, 'ciphertexts differ')
})

test('a flipped bit in any byte (nonce, ciphertext, tag) is an IntegrityError', () => {
  const key = randomKey()
  const sealed = xchachaSeal(key, prng.bytes(64), text.encode('aad'))
  for (let i = 0; i < sealed.byteLength; i++) {
    const tampered = sealed.slice()
    tampered[i] ^= 1 << (i % 8)
    throwsIntegrity(() => xchachaOpen(key, tampered, text.encode('aad')), `byte ${i}`)
  }
})

test('truncated, extended, wrong key or wrong AAD is an IntegrityError', () => {
  const key = randomKey()
  const aad = text.encode('aad')
  const sealed = xchachaSeal(key, prng.bytes(100), aad)
  for (const length of [0, 1, 23, 24, 39, 40, sealed.byteLength - 1]) {
    throwsIntegrity(() => xchachaOpen(key, sealed.subarray(0, length), aad), `truncated to ${length}`)
  }
  throwsIntegrity(() => xchachaOpen(key, concat(sealed, new Uint8Array(1)), aad), 'byte appended')
  throwsIntegrity(() => xchachaOpen(randomKey(), sealed, aad), 'wrong key')
  throwsIntegrity(() => xchachaOpen(key, sealed, text.encode('aae')), 'wrong AAD')
  throwsIntegrity(() => xchachaOpen(key, sealed), 'AAD missing')
  throwsIntegrity(() => xchachaOpen(key, xchachaSeal(key, prng.bytes(10)), aad), 'AAD added')
})

test('bad arguments are TypeError / RangeError', () => {
  const key = randomKey()
  const sealed = xchachaSeal(key, new Uint8Array(3))
  for (const length of [0, 31, 33]) {
    throwsType(() => xchachaSeal(new Uint8Array(length), new Uint8Array(3)), RangeError, `seal, ${length}-byte key`)
    throwsType(() => xchachaOpen(new Uint8Array(length), sealed), RangeError, `open, ${length}-byte key`)
  }
  throwsType(() => xchachaSeal('key' as unknown as Uint8Array, new Uint8Array(3)), TypeError, 'string key')
  throwsType(() => xchachaSeal(key, 'text' as unknown as Uint8Array), TypeError, 'string plaintext')
  throwsType(() => xchachaSeal(key, new Uint8Array(3), 'aad' as unknown as Uint8Array), TypeError, 'string aad')
  throwsType(() => xchachaOpen(key, null as unknown as Uint8Array), TypeError, 'null sealed')
})

test.run()
