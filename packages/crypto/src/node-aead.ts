// ChaCha20-Poly1305 (RFC 8439) on node:crypto, fed in slices. Internal: the public
// nodeCipher wraps these with the all-zero nonce; the known-answer tests call them
// directly with the RFC's nonces and AAD, so both exercise the same loop.
import { createCipheriv, createDecipheriv, type Hash } from 'node:crypto'
import { TAG_BYTES } from './constants.js'
import { IntegrityError } from './errors.js'

/**
 * `cipher.update()` allocates its output. Fed 64 KiB at a time that allocation stays
 * in cache and is recycled by malloc; fed a whole 1 MiB chunk it is fresh memory every
 * time, and much slower (bench/README.md, "Cipher slices"). The slice is also still in
 * cache when the digest of encryptAndDigest reads it right after.
 */
export const SLICE_BYTES = 64 * 1024

export interface AeadInput {
  key: Uint8Array
  nonce: Uint8Array
  aad?: Uint8Array
}

/**
 * Seals `plaintext` into `out` (length plaintext + 16, or allocated), ciphertext then
 * tag. When `digest` is given, every sealed byte is fed to it as it is produced.
 */
export function nodeSeal (input: AeadInput, plaintext: Uint8Array, out?: Uint8Array, digest?: Hash): Uint8Array {
  const length = plaintext.byteLength
  const sealed = out ?? allocate(length + TAG_BYTES)
  const cipher = createCipheriv('chacha20-poly1305', input.key, input.nonce, { authTagLength: TAG_BYTES })
  if (input.aad !== undefined) cipher.setAAD(input.aad, { plaintextLength: length })
  let written = 0
  for (let offset = 0; offset < length; offset += SLICE_BYTES) {
    const piece = cipher.update(plaintext.subarray(offset, offset + SLICE_BYTES))
    sealed.set(piece, written)
    digest?.update(piece)
    written += piece.byteLength
  }
  const rest = cipher.final()
  if (rest.byteLength > 0) {
    sealed.set(rest, written)
    digest?.update(rest)
    written += rest.byteLength
  }
  if (written !== length) throw new Error(`chacha20-poly1305 produced ${written} bytes for ${length}`)
  const tag = cipher.getAuthTag()
  sealed.set(tag, length)
  digest?.update(tag)
  return sealed
}

/**
 * Opens `sealed` (ciphertext then tag) into `out` (length sealed - 16, or allocated).
 * node:crypto releases plaintext before it checks the tag, so on failure the output
 * is zeroed before IntegrityError is thrown: unauthenticated plaintext never escapes.
 */
export function nodeOpen (input: AeadInput, sealed: Uint8Array, out?: Uint8Array): Uint8Array {
  if (sealed.byteLength < TAG_BYTES) {
    throw new IntegrityError(`sealed data is ${sealed.byteLength} bytes, shorter than its ${TAG_BYTES}-byte tag`)
  }
  const length = sealed.byteLength - TAG_BYTES
  const plaintext = out ?? allocate(length)
  const decipher = createDecipheriv('chacha20-poly1305', input.key, input.nonce, { authTagLength: TAG_BYTES })
  // setAuthTag copies the tag, so decrypting in place over `sealed` is safe.
  decipher.setAuthTag(sealed.subarray(length))
  if (input.aad !== undefined) decipher.setAAD(input.aad, { plaintextLength: length })
  let written = 0
  try {
    for (let offset = 0; offset < length; offset += SLICE_BYTES) {
      const piece = decipher.update(sealed.subarray(offset, Math.min(offset + SLICE_BYTES, length)))
      plaintext.set(piece, written)
      written += piece.byteLength
    }
    const rest = decipher.final()
    plaintext.set(rest, written)
    written += rest.byteLength
  } catch (cause) {
    plaintext.fill(0)
    throw new IntegrityError('sealed data failed authentication: wrong key, or the bytes were altered', { cause })
  }
  if (written !== length) throw new Error(`chacha20-poly1305 produced ${written} bytes for ${length}`)
  return plaintext
}

/** A plain Uint8Array of `length` bytes; every byte is overwritten by the caller. */
function allocate (length: number): Uint8Array {
  return new Uint8Array(length)
}
