// nodeCipher (OpenSSL, sliced) against nobleCipher (pure JS, one shot) on random
// inputs: identical sealed bytes, digests, and each opens the other's output.
// Seeded: a failure prints its seed and case; rerun with SHOAL_CRYPTO_SEED=<seed>.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { nobleCipher, nodeCipher } from '../src/index.js'
import { SLICE_BYTES } from '../src/node-aead.js'
import { createPrng, KiB, MiB, sameBytes, testSeed, type Prng } from './helpers.js'

const CASES = 1000
const MAX_SIZE = 256 * KiB
const seed = testSeed()

/**
 * Sizes skewed so every regime shows up: tiny (Poly1305's 16-byte and ChaCha's
 * 64-byte blocks), just around each 64 KiB slice boundary, and anything up to 256 KiB.
 */
function pickSize (prng: Prng): number {
  const roll = prng.below(100)
  if (roll < 25) return prng.below(257) // 0..256
  if (roll < 35) return (1 + prng.below(64)) * 64 + prng.below(3) - 1 // block multiples ± 1
  if (roll < 45) return 257 + prng.below(8 * KiB)
  if (roll < 70) { // within ±64 bytes of a slice boundary
    const boundary = (1 + prng.below(MAX_SIZE / SLICE_BYTES)) * SLICE_BYTES
    return Math.min(MAX_SIZE, Math.max(0, boundary + prng.below(129) - 64))
  }
  return prng.below(MAX_SIZE + 1)
}

function check (prng: Prng, size: number, label: string): void {
  const key = prng.bytes(32)
  const plaintext = prng.bytes(size)
  const where = `${label}, size ${size} (seed ${seed}; rerun with SHOAL_CRYPTO_SEED=${seed})`
  const fromNode = nodeCipher.encryptAndDigest(key, plaintext)
  const fromNoble = nobleCipher.encryptAndDigest(key, plaintext)
  sameBytes(fromNode.sealed, fromNoble.sealed, `sealed bytes, ${where}`)
  sameBytes(fromNode.digest, fromNoble.digest, `digest, ${where}`)
  sameBytes(nodeCipher.decrypt(key, fromNoble.sealed), plaintext, `node opens noble's, ${where}`)
  sameBytes(nobleCipher.decrypt(key, fromNode.sealed), plaintext, `noble opens node's, ${where}`)
}

test(`node:crypto and noble agree on ${CASES} random (key, plaintext) pairs up to 256 KiB`, () => {
  const prng = createPrng(seed)
  const seen = { small: 0, boundary: 0, large: 0 }
  for (let i = 0; i < CASES; i++) {
    const size = pickSize(prng)
    if (size <= 256) seen.small++
    if (size >= SLICE_BYTES && Math.abs(size - Math.round(size / SLICE_BYTES) * SLICE_BYTES) <= 64) seen.boundary++
    if (size > 128 * KiB) seen.large++
    check(prng, size, `case ${i}`)
  }
  // The distribution itself is part of the test: without it the cases prove less.
  assert.ok(seen.small >= 150, `small sizes: ${seen.small}`)
  assert.ok(seen.boundary >= 150, `slice-boundary sizes: ${seen.boundary}`)
  assert.ok(seen.large >= 100, `sizes over 128 KiB: ${seen.large}`)
})

test('node:crypto and noble agree on 4 MiB chunks (the largest FastCDC emits)', () => {
  const prng = createPrng(seed ^ 0x4d1b)
  for (let i = 0; i < 3; i++) check(prng, 4 * MiB, `4 MiB case ${i}`)
})

test.run()
