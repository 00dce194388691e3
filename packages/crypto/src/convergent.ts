import { DIGEST_BYTES } from './constants.js'
import { hmacSha256, sha256 } from './hash.js'
import { assertBytes, assertLength } from './validate.js'

/**
 * The key that encrypts `plaintext`: HMAC-SHA256(convergenceSecret, sha256(plaintext)).
 * Equal plaintexts under one secret get equal keys (hence equal ciphertexts, hence
 * dedup); without the secret nobody can compute the key from a guessed plaintext.
 */
export function convergentKey (convergenceSecret: Uint8Array, plaintext: Uint8Array): Uint8Array {
  assertLength(convergenceSecret, DIGEST_BYTES, 'convergenceSecret')
  assertBytes(plaintext, 'plaintext')
  return hmacSha256(convergenceSecret, sha256(plaintext))
}

/** convergentKey for a caller that already hashed the plaintext (e.g. while chunking). */
export function convergentKeyFromDigest (convergenceSecret: Uint8Array, plaintextDigest: Uint8Array): Uint8Array {
  assertLength(convergenceSecret, DIGEST_BYTES, 'convergenceSecret')
  assertLength(plaintextDigest, DIGEST_BYTES, 'plaintextDigest')
  return hmacSha256(convergenceSecret, plaintextDigest)
}
