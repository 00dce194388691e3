// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) for manifests: a key may seal many
// messages because the 24-byte nonce is random, and collisions at 192 bits are not a
// concern. Sealed form: nonce ‖ ciphertext ‖ tag.
import { randomFillSync } from 'node:crypto'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { KEY_BYTES, TAG_BYTES, XNONCE_BYTES } from './constants.js'
import { IntegrityError } from './errors.js'
import { assertBytes, assertLength, assertOptionalBytes } from './validate.js'

/** Seals with a fresh random nonce; returns nonce ‖ ciphertext ‖ tag. */
export function xchachaSeal (key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  assertLength(key, KEY_BYTES, 'key')
  assertBytes(plaintext, 'plaintext')
  assertOptionalBytes(aad, 'aad')
  return xchachaSealWithNonce(key, randomFillSync(new Uint8Array(XNONCE_BYTES)), plaintext, aad)
}

/** Internal (known-answer tests): seal under a given nonce. Never reuse a nonce. */
export function xchachaSealWithNonce (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  const sealed = new Uint8Array(XNONCE_BYTES + plaintext.byteLength + TAG_BYTES)
  sealed.set(nonce)
  xchacha20poly1305(key, nonce, aad).encrypt(plaintext, sealed.subarray(XNONCE_BYTES))
  return sealed
}

/** Opens nonce ‖ ciphertext ‖ tag; IntegrityError if anything (nonce, ct, tag, aad, length) is off. */
export function xchachaOpen (key: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  assertLength(key, KEY_BYTES, 'key')
  assertBytes(sealed, 'sealed')
  assertOptionalBytes(aad, 'aad')
  if (sealed.byteLength < XNONCE_BYTES + TAG_BYTES) {
    throw new IntegrityError(`sealed data is ${sealed.byteLength} bytes, shorter than nonce and tag (${XNONCE_BYTES + TAG_BYTES})`)
  }
  try {
    return xchacha20poly1305(key, sealed.subarray(0, XNONCE_BYTES), aad).decrypt(sealed.subarray(XNONCE_BYTES))
  } catch (cause) {
    throw new IntegrityError('sealed data failed authentication: wrong key or aad, or the bytes were altered', { cause })
  }
}
