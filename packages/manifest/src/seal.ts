// Sealed manifest = nonce (24) ‖ XChaCha20-Poly1305 ciphertext ‖ tag (16), under a
// random 32-byte key. The nonce is random too (by default), so a caller may seal many
// manifests under one key (e.g. a directory rewritten in place) without repeating one.
import { randomBytes } from 'node:crypto'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { IntegrityError } from '@shoal/crypto'
import { decodeManifest, encodeManifest } from './codec.js'
import { InvalidManifestError } from './errors.js'
import { MAX_INLINE_MANIFEST_BYTES } from './limits.js'
import type { Manifest } from './types.js'

const KEY_BYTES = 32
const NONCE_BYTES = 24
const TAG_BYTES = 16
export const SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES
/**
 * Associated data: binds the ciphertext to its purpose, so bytes sealed under the
 * same key for anything else never open as a manifest. No version in it: a newer
 * manifest must still open, so that decoding can say "unsupported version".
 */
const AAD = new TextEncoder().encode('shoal:manifest')

function random (length: number): Uint8Array {
  return Uint8Array.from(randomBytes(length))
}

function checkKey (key: unknown): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new TypeError(`manifest key must be a ${KEY_BYTES}-byte Uint8Array`)
  }
}

export interface SealOptions {
  /**
   * 24-byte nonce instead of a random one, for callers that seal deterministically
   * (a synthetic IV derived from key and plaintext, so equal manifests give equal
   * chunks). A nonce must never be used twice under one key for different
   * plaintexts: that reveals both and allows forgery. Leave it out unless you derive it so.
   */
  nonce?: Uint8Array
}

export function sealManifest (manifest: Manifest, key: Uint8Array = random(KEY_BYTES), options: SealOptions = {}): { key: Uint8Array, sealed: Uint8Array } {
  checkKey(key)
  if (options.nonce !== undefined && (!(options.nonce instanceof Uint8Array) || options.nonce.length !== NONCE_BYTES)) {
    throw new TypeError(`nonce must be a ${NONCE_BYTES}-byte Uint8Array`)
  }
  const plaintext = encodeManifest(manifest)
  try {
    if (plaintext.length > MAX_INLINE_MANIFEST_BYTES) {
      throw new InvalidManifestError('manifest', `encodes to ${plaintext.length} bytes, more than MAX_INLINE_MANIFEST_BYTES (${MAX_INLINE_MANIFEST_BYTES}); store it as content behind an indirect manifest`)
    }
    const nonce = options.nonce ?? random(NONCE_BYTES)
    const sealed = new Uint8Array(NONCE_BYTES + plaintext.length + TAG_BYTES)
    sealed.set(nonce)
    sealed.set(xchacha20poly1305(key, nonce, AAD).encrypt(plaintext), NONCE_BYTES)
    return { key, sealed }
  } finally {
    plaintext.fill(0) // it holds every chunk key; best effort
  }
}

/**
 * IntegrityError for anything wrong with the envelope (too short, too long, wrong
 * key, altered bytes); InvalidManifestError if it opens but holds a bad manifest.
 */
export function openManifest (sealed: Uint8Array, key: Uint8Array): Manifest {
  checkKey(key)
  if (!(sealed instanceof Uint8Array)) throw new IntegrityError('sealed manifest must be bytes')
  if (sealed.length < SEAL_OVERHEAD) {
    throw new IntegrityError(`sealed manifest is ${sealed.length} bytes, shorter than nonce and tag (${SEAL_OVERHEAD}): truncated`)
  }
  if (sealed.length > MAX_INLINE_MANIFEST_BYTES + SEAL_OVERHEAD) {
    throw new IntegrityError(`sealed manifest is ${sealed.length} bytes, larger than any sealed manifest (${MAX_INLINE_MANIFEST_BYTES + SEAL_OVERHEAD})`)
  }
  let plaintext: Uint8Array
  try {
    plaintext = xchacha20poly1305(key, sealed.subarray(0, NONCE_BYTES), AAD).decrypt(sealed.subarray(NONCE_BYTES))
  } catch {
    throw new IntegrityError('sealed manifest failed authentication: wrong key, or altered or truncated bytes')
  }
  try {
    return decodeManifest(plaintext)
  } finally {
    plaintext.fill(0)
  }
}
