// The ChunkCipher contract, as a suite any implementation registers itself with
// (js-libp2p interface-compliance style). nodeCipher and nobleCipher both run it.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { sha256, TAG_BYTES, type ChunkCipher } from '../src/index.js'
import { concat, createPrng, isPlainUint8Array, KiB, MiB, sameBytes, throwsIntegrity, throwsType } from './helpers.js'

/** Round-trip sizes: empty, tiny, around a ChaCha block, around the 64 KiB slice, chunk sizes. */
export const ROUND_TRIP_SIZES = [0, 1, 63, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, MiB, 4 * MiB]

export function chunkCipherCompliance (cipher: ChunkCipher): void {
  const it = suite(`ChunkCipher compliance: ${cipher.name}`)
  const prng = createPrng(0x5eed)
  const key = prng.bytes(32)
  const otherKey = prng.bytes(32)
  const plaintexts = new Map(ROUND_TRIP_SIZES.map(size => [size, prng.bytes(size)]))
  const sample = prng.bytes(64 * KiB + 17) // crosses a slice boundary

  for (const size of ROUND_TRIP_SIZES) {
    it(`round trip, ${size} bytes`, () => {
      const plaintext = plaintexts.get(size)!
      const sealed = cipher.encrypt(key, plaintext)
      assert.is(sealed.byteLength, size + TAG_BYTES)
      assert.ok(isPlainUint8Array(sealed), 'sealed is a plain Uint8Array')
      if (size >= 16) assert.is.not(Buffer.compare(sealed.subarray(0, 16), plaintext.subarray(0, 16)), 0, 'ciphertext is not the plaintext')
      const opened = cipher.decrypt(key, sealed)
      assert.ok(isPlainUint8Array(opened), 'plaintext is a plain Uint8Array')
      sameBytes(opened, plaintext, 'decrypt(encrypt(p))')
      sameBytes(cipher.encrypt(key, plaintext), sealed, 'encrypting again (convergent: deterministic)')
    })
  }

  it('sealed form is RFC 8439 ChaCha20-Poly1305 with an all-zero 12-byte nonce and no AAD', () => {
    // The oracle is @noble/ciphers called here with its own zero nonce, independent of
    // the constant inside the package.
    for (const size of [0, 1, 64 * KiB + 1]) {
      const plaintext = plaintexts.get(size) ?? prng.bytes(size)
      sameBytes(cipher.encrypt(key, plaintext), chacha20poly1305(key, new Uint8Array(12)).encrypt(plaintext), `size ${size}`)
    }
  })

  it('different keys give different sealed bytes', () => {
    const a = cipher.encrypt(key, sample)
    const b = cipher.encrypt(otherKey, sample)
    assert.is.not(Buffer.compare(a, b), 0)
  })

  it('encrypt writes into a caller-supplied out and returns it', () => {
    for (const size of [0, 63, 64 * KiB + 1, MiB]) {
      const plaintext = plaintexts.get(size) ?? prng.bytes(size)
      const out = new Uint8Array(size + TAG_BYTES).fill(0xaa)
      const sealed = cipher.encrypt(key, plaintext, out)
      assert.ok(sealed === out, `returns out (${size})`)
      sameBytes(out, cipher.encrypt(key, plaintext), `out holds ct||tag (${size})`)
    }
  })

  it('encrypt into an out that is a view at an offset of a larger buffer', () => {
    const backing = new Uint8Array(sample.byteLength + TAG_BYTES + 100).fill(0x55)
    const out = backing.subarray(37, 37 + sample.byteLength + TAG_BYTES)
    cipher.encrypt(key, sample, out)
    sameBytes(out, cipher.encrypt(key, sample), 'sealed in the view')
    assert.ok(backing.subarray(0, 37).every(b => b === 0x55), 'bytes before the view untouched')
    assert.ok(backing.subarray(37 + out.byteLength).every(b => b === 0x55), 'bytes after the view untouched')
  })

  it('plaintext that is a view at an odd offset', () => {
    const backing = concat(new Uint8Array(3), sample, new Uint8Array(5))
    const view = backing.subarray(3, 3 + sample.byteLength)
    sameBytes(cipher.encrypt(key, view), cipher.encrypt(key, sample), 'same sealed bytes')
  })

  it('encrypts and decrypts in place (out is the input memory)', () => {
    const expected = cipher.encrypt(key, sample)
    const buffer = new Uint8Array(sample.byteLength + TAG_BYTES)
    buffer.set(sample)
    const sealed = cipher.encrypt(key, buffer.subarray(0, sample.byteLength), buffer)
    sameBytes(sealed, expected, 'in-place encrypt')
    const opened = cipher.decrypt(key, buffer, buffer.subarray(0, sample.byteLength))
    sameBytes(opened, sample, 'in-place decrypt')
  })

  it('decrypt writes into a caller-supplied out and returns it', () => {
    const sealed = cipher.encrypt(key, sample)
    const out = new Uint8Array(sample.byteLength).fill(0xaa)
    assert.ok(cipher.decrypt(key, sealed, out) === out)
    sameBytes(out, sample, 'out holds the plaintext')
  })

  it('out of the wrong length is a RangeError', () => {
    throwsType(() => cipher.encrypt(key, sample, new Uint8Array(sample.byteLength)), RangeError, 'encrypt out too short')
    throwsType(() => cipher.encrypt(key, sample, new Uint8Array(sample.byteLength + TAG_BYTES + 1)), RangeError, 'encrypt out too long')
    throwsType(() => cipher.encryptAndDigest(key, sample, new Uint8Array(1)), RangeError, 'encryptAndDigest out')
    const sealed = cipher.encrypt(key, sample)
    throwsType(() => cipher.decrypt(key, sealed, new Uint8Array(sealed.byteLength)), RangeError, 'decrypt out too long')
  })

  it('out overlapping its input at a different offset is a RangeError', () => {
    const buffer = new Uint8Array(1000 + TAG_BYTES + 8)
    throwsType(() => cipher.encrypt(key, buffer.subarray(0, 1000), buffer.subarray(8, 8 + 1000 + TAG_BYTES)), RangeError, 'shifted out')
  })

  it('wrong key is an IntegrityError', () => {
    for (const size of [0, 1, 64 * KiB + 1]) {
      const sealed = cipher.encrypt(key, plaintexts.get(size) ?? prng.bytes(size))
      throwsIntegrity(() => cipher.decrypt(otherKey, sealed), `wrong key, ${size} bytes`)
    }
  })

  it('a flipped bit anywhere in the ciphertext is an IntegrityError', () => {
    const sealed = cipher.encrypt(key, sample)
    const ctLength = sample.byteLength
    for (const [at, bit] of [[0, 0], [1, 7], [64 * KiB - 1, 3], [64 * KiB, 5], [ctLength - 1, 1]] as const) {
      const tampered = sealed.slice()
      tampered[at] ^= 1 << bit
      throwsIntegrity(() => cipher.decrypt(key, tampered), `ciphertext byte ${at} bit ${bit}`)
    }
  })

  it('a flipped bit anywhere in the tag is an IntegrityError', () => {
    for (const plaintext of [new Uint8Array(0), sample]) {
      const sealed = cipher.encrypt(key, plaintext)
      for (let i = 0; i < TAG_BYTES; i++) {
        const tampered = sealed.slice()
        tampered[plaintext.byteLength + i] ^= 1 << (i % 8)
        throwsIntegrity(() => cipher.decrypt(key, tampered), `tag byte ${i}, ${plaintext.byteLength}-byte plaintext`)
      }
    }
  })

  it('truncated or extended sealed data is an IntegrityError', () => {
    const sealed = cipher.encrypt(key, sample)
    for (const length of [0, 1, TAG_BYTES - 1]) {
      throwsIntegrity(() => cipher.decrypt(key, sealed.subarray(0, length)), `truncated to ${length} bytes (shorter than a tag)`)
    }
    throwsIntegrity(() => cipher.decrypt(key, sealed.subarray(0, TAG_BYTES)), 'truncated to one tag length')
    throwsIntegrity(() => cipher.decrypt(key, sealed.subarray(0, sealed.byteLength - 1)), 'last byte missing')
    throwsIntegrity(() => cipher.decrypt(key, sealed.subarray(1)), 'first byte missing')
    throwsIntegrity(() => cipher.decrypt(key, concat(sealed, new Uint8Array(1))), 'one byte appended')
    throwsIntegrity(() => cipher.decrypt(key, new Uint8Array(0)), 'empty')
  })

  it('a failed decrypt leaves no plaintext in out', () => {
    // Tag tampered, ciphertext intact: a decrypt that wrote first and checked later
    // would leave the true plaintext behind.
    const sealed = cipher.encrypt(key, sample)
    sealed[sealed.byteLength - 1] ^= 0x80
    const out = new Uint8Array(sample.byteLength).fill(0xaa)
    throwsIntegrity(() => cipher.decrypt(key, sealed, out), 'tampered tag')
    assert.ok(out.every(b => b === 0), 'out is zeroed')
  })

  it('encryptAndDigest: sealed equals encrypt, digest equals sha256(sealed)', () => {
    for (const size of ROUND_TRIP_SIZES) {
      const plaintext = plaintexts.get(size)!
      const { sealed, digest } = cipher.encryptAndDigest(key, plaintext)
      sameBytes(sealed, cipher.encrypt(key, plaintext), `sealed (${size})`)
      assert.is(digest.byteLength, 32)
      assert.ok(isPlainUint8Array(digest), 'digest is a plain Uint8Array')
      sameBytes(digest, sha256(sealed), `digest (${size})`)
    }
  })

  it('encryptAndDigest writes into out', () => {
    const out = new Uint8Array(sample.byteLength + TAG_BYTES)
    const { sealed, digest } = cipher.encryptAndDigest(key, sample, out)
    assert.ok(sealed === out)
    sameBytes(digest, sha256(out), 'digest of out')
  })

  it('accepts Buffers and does not modify its inputs', () => {
    const keyCopy = key.slice()
    const plaintextCopy = sample.slice()
    const sealed = cipher.encrypt(key, sample)
    const sealedCopy = sealed.slice()
    cipher.decrypt(key, sealed)
    cipher.encryptAndDigest(key, sample)
    sameBytes(key, keyCopy, 'key')
    sameBytes(sample, plaintextCopy, 'plaintext')
    sameBytes(sealed, sealedCopy, 'sealed')
    sameBytes(cipher.encrypt(Buffer.from(key), Buffer.from(sample)), sealed, 'Buffer arguments')
  })

  it('a key of the wrong length is a RangeError', () => {
    const sealed = cipher.encrypt(key, sample)
    for (const length of [0, 16, 31, 33, 64]) {
      const bad = new Uint8Array(length)
      const message = new RegExp(`^key must be 32 bytes, got ${length}$`)
      throwsType(() => cipher.encrypt(bad, sample), RangeError, `encrypt, ${length}-byte key`, message)
      throwsType(() => cipher.decrypt(bad, sealed), RangeError, `decrypt, ${length}-byte key`, message)
      throwsType(() => cipher.encryptAndDigest(bad, sample), RangeError, `encryptAndDigest, ${length}-byte key`, message)
    }
  })

  it('arguments that are not bytes are a TypeError', () => {
    const notBytes: unknown[] = [undefined, null, 'key', Array.from(key), key.buffer, new Uint16Array(16)]
    for (const bad of notBytes) {
      const b = bad as Uint8Array
      throwsType(() => cipher.encrypt(b, sample), TypeError, `encrypt key ${String(bad)}`)
      throwsType(() => cipher.decrypt(b, sample), TypeError, `decrypt key ${String(bad)}`)
      throwsType(() => cipher.encrypt(key, b), TypeError, `encrypt plaintext ${String(bad)}`)
      throwsType(() => cipher.decrypt(key, b), TypeError, `decrypt sealed ${String(bad)}`)
      throwsType(() => cipher.encryptAndDigest(key, b), TypeError, `encryptAndDigest plaintext ${String(bad)}`)
    }
    throwsType(() => cipher.encrypt(key, sample, [] as unknown as Uint8Array), TypeError, 'out not bytes')
  })

  it.run()
}
