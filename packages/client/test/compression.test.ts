import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { ChunkRef } from '@shoal/manifest'
import { chunkCid } from '@shoal/manifest'
import { deflateRawSync } from 'node:zlib'
import { convergentKey, nodeCipher } from '@shoal/crypto'
import { openChunk, sealChunk } from '../src/index.js'
import { MiB, pseudoRandom, SECRET } from './helpers.js'

function roundTrip (plaintext: Uint8Array, compress = true): ReturnType<typeof sealChunk> {
  const sealed = sealChunk(plaintext, SECRET, { compress })
  const ref: ChunkRef = { cid: chunkCid(sealed.digest), key: sealed.key, size: sealed.size, stored: sealed.sealed.byteLength, compression: sealed.compression }
  // Buffer.compare, not assert.equal: a failing deep-equal would diff a megabyte element by element.
  assert.is(Buffer.compare(openChunk(ref, sealed.sealed), plaintext), 0, 'round trip')
  return sealed
}

const text = (n: number): Uint8Array => Buffer.alloc(n, 'a shoal of fish swims in the vault; ')

test('text is stored compressed, random bytes are not', () => {
  const packed = roundTrip(text(1 * MiB))
  assert.is(packed.compression, 'brotli')
  assert.ok(packed.sealed.byteLength < MiB / 10)
  const random = roundTrip(pseudoRandom(1 * MiB, 1))
  assert.is(random.compression, 'none')
  assert.is(random.sealed.byteLength, MiB + 16)
})

test('a chunk that would save less than 10 % is stored as it is', () => {
  // Whatever the mix, the rule holds: compressed only if the payload is <= 90 % of the plaintext.
  for (const textShare of [0.05, 0.3]) {
    const n = 1 * MiB
    const chunk = Buffer.concat([pseudoRandom(Math.floor(n * (1 - textShare)), 2), text(Math.ceil(n * textShare))])
    const sealed = roundTrip(chunk)
    if (sealed.compression === 'brotli') assert.ok(sealed.sealed.byteLength - 16 <= n * 0.9)
    else assert.is(sealed.sealed.byteLength, n + 16)
    if (textShare === 0.3) assert.is(sealed.compression, 'brotli', 'the text end makes the sample and the whole compressible')
  }
})

test('small chunks skip the probe and still compress', () => {
  for (const n of [1, 10, 100, 4096, 100_000]) {
    const sealed = roundTrip(text(n))
    if (n >= 100) assert.is(sealed.compression, 'brotli', `${n} bytes`)
  }
})

test('--no-compress stores every chunk as it is', () => {
  assert.is(roundTrip(text(MiB), false).compression, 'none')
})

test('a chunk a manifest lists as deflate (raw, RFC 1951; in the format, not written by Shoal) is read back', () => {
  const plaintext = text(200_000)
  const payload = deflateRawSync(plaintext)
  const key = convergentKey(SECRET, payload)
  const { sealed, digest } = nodeCipher.encryptAndDigest(key, payload)
  const ref: ChunkRef = { cid: chunkCid(digest), key, size: plaintext.byteLength, stored: sealed.byteLength, compression: 'deflate' }
  assert.is(Buffer.compare(openChunk(ref, sealed), plaintext), 0)
})

test.run()
