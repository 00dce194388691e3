import { createHash } from 'node:crypto'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { KEY_BYTES, NONCE_BYTES, TAG_BYTES } from './constants.js'
import { nobleOpen, nobleSeal } from './noble-aead.js'
import { nodeOpen, nodeSeal, type AeadInput } from './node-aead.js'
import { assertBytes, assertLength, assertNoShiftedOverlap } from './validate.js'

/**
 * Convergent chunk encryption: ChaCha20-Poly1305 under a key used for exactly one
 * plaintext, so the nonce is all zeros. Sealed form: ciphertext ‖ 16-byte tag.
 */
export interface ChunkCipher {
  readonly name: string
  /** Returns ciphertext ‖ tag, written into `out` (length plaintext + 16) when given. */
  encrypt (key: Uint8Array, plaintext: Uint8Array, out?: Uint8Array): Uint8Array
  /**
   * Returns the plaintext, written into `out` (length sealed - 16) when given. Throws
   * IntegrityError on a wrong key or altered, truncated or extended bytes; `out` is
   * then zeroed.
   */
  decrypt (key: Uint8Array, sealed: Uint8Array, out?: Uint8Array): Uint8Array
  /** encrypt, plus digest = sha256(sealed): the chunk's address, hashed as it goes. */
  encryptAndDigest (key: Uint8Array, plaintext: Uint8Array, out?: Uint8Array): { sealed: Uint8Array, digest: Uint8Array }
}

/** Safe only because a convergent key encrypts exactly one plaintext; see README. */
const ZERO_NONCE = new Uint8Array(NONCE_BYTES)

function checkEncrypt (key: unknown, plaintext: unknown, out: unknown): void {
  assertLength(key, KEY_BYTES, 'key')
  assertBytes(plaintext, 'plaintext')
  if (out !== undefined) {
    assertLength(out, plaintext.byteLength + TAG_BYTES, 'out (plaintext length + 16)')
    assertNoShiftedOverlap(plaintext, out, 'out')
  }
}

function checkDecrypt (key: unknown, sealed: unknown, out: unknown): void {
  assertLength(key, KEY_BYTES, 'key')
  assertBytes(sealed, 'sealed')
  // A sealed input shorter than a tag is an IntegrityError from the AEAD, not a
  // RangeError: it is data that failed to be what it claims, like any other tampering.
  if (out !== undefined) {
    assertLength(out, Math.max(sealed.byteLength - TAG_BYTES, 0), 'out (sealed length - 16)')
    assertNoShiftedOverlap(sealed, out, 'out')
  }
}

function input (key: Uint8Array): AeadInput {
  return { key, nonce: ZERO_NONCE }
}

/** node:crypto: the hot path. Slices keep allocations in cache; digest runs alongside. */
export const nodeCipher: ChunkCipher = Object.freeze({
  name: 'node:crypto',
  encrypt (key: Uint8Array, plaintext: Uint8Array, out?: Uint8Array): Uint8Array {
    checkEncrypt(key, plaintext, out)
    return nodeSeal(input(key), plaintext, out)
  },
  decrypt (key: Uint8Array, sealed: Uint8Array, out?: Uint8Array): Uint8Array {
    checkDecrypt(key, sealed, out)
    return nodeOpen(input(key), sealed, out)
  },
  encryptAndDigest (key: Uint8Array, plaintext: Uint8Array, out?: Uint8Array): { sealed: Uint8Array, digest: Uint8Array } {
    checkEncrypt(key, plaintext, out)
    const hash = createHash('sha256')
    const sealed = nodeSeal(input(key), plaintext, out, hash)
    return { sealed, digest: new Uint8Array(hash.digest()) }
  }
})

/**
 * @noble/ciphers + @noble/hashes: portable (no node:crypto) and independent of
 * OpenSSL, which makes it the oracle the node path is checked against. Slower.
 */
export const nobleCipher: ChunkCipher = Object.freeze({
  name: '@noble/ciphers',
  encrypt (key: Uint8Array, plaintext: Uint8Array, out?: Uint8Array): Uint8Array {
    checkEncrypt(key, plaintext, out)
    return nobleSeal(input(key), plaintext, out)
  },
  decrypt (key: Uint8Array, sealed: Uint8Array, out?: Uint8Array): Uint8Array {
    checkDecrypt(key, sealed, out)
    return nobleOpen(input(key), sealed, out)
  },
  encryptAndDigest (key: Uint8Array, plaintext: Uint8Array, out?: Uint8Array): { sealed: Uint8Array, digest: Uint8Array } {
    checkEncrypt(key, plaintext, out)
    // One shot, then hash: the oracle favours plainness over speed.
    const sealed = nobleSeal(input(key), plaintext, out)
    return { sealed, digest: nobleSha256(sealed) }
  }
})
