// ChaCha20-Poly1305 (RFC 8439) from @noble/ciphers: pure JS, one shot, no node:crypto.
// Internal, like node-aead.ts: nobleCipher wraps it with the all-zero nonce and the
// known-answer tests call it with the RFC's nonces and AAD.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { TAG_BYTES } from './constants.js'
import { IntegrityError } from './errors.js'
import type { AeadInput } from './node-aead.js'

export function nobleSeal (input: AeadInput, plaintext: Uint8Array, out?: Uint8Array): Uint8Array {
  return chacha20poly1305(input.key, input.nonce, input.aad).encrypt(plaintext, out)
}

/** noble checks the tag before it decrypts; `out` is still zeroed on failure to match nodeOpen. */
export function nobleOpen (input: AeadInput, sealed: Uint8Array, out?: Uint8Array): Uint8Array {
  if (sealed.byteLength < TAG_BYTES) {
    throw new IntegrityError(`sealed data is ${sealed.byteLength} bytes, shorter than its ${TAG_BYTES}-byte tag`)
  }
  try {
    return chacha20poly1305(input.key, input.nonce, input.aad).decrypt(sealed, out)
  } catch (cause) {
    // Arguments were validated before we got here, so the only failure left is the tag.
    out?.fill(0)
    throw new IntegrityError('sealed data failed authentication: wrong key, or the bytes were altered', { cause })
  }
}
