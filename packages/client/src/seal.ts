import { brotliCompressSync, brotliDecompressSync, constants, inflateRawSync } from 'node:zlib'
import { convergentKey, IntegrityError, nodeCipher, sha256, TAG_BYTES, type ChunkCipher } from '@shoal/crypto'
import type { ChunkRef, Compression } from '@shoal/manifest'

/** A chunk is stored compressed only when that saves at least this fraction. */
export const MIN_COMPRESSION_SAVING = 0.10

export interface SealedChunk {
  /** sha256 of `sealed`: the chunk's address. */
  digest: Uint8Array
  key: Uint8Array
  sealed: Uint8Array
  /** Plaintext bytes. */
  size: number
  compression: Compression
}

// Brotli at quality 1 was chosen by measurement (bench/README.md, "Brotli at quality 1"):
// it compresses text better and faster than deflate-1, and gives up on incompressible
// media almost at once, so its "compress-check" is nearly free.
function brotli (input: Uint8Array, limit: number): Uint8Array | null {
  if (limit < 1) return null
  try {
    return brotliCompressSync(input, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 1,
        [constants.BROTLI_PARAM_SIZE_HINT]: input.byteLength
      },
      // Early abort: brotli stops once its output shows the saving is not there, and
      // an incompressible input costs no output buffer.
      maxOutputLength: limit
    })
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return null
    throw err
  }
}

const SAMPLE_BYTES = 16 * 1024
const SAMPLED_ABOVE = 8 * SAMPLE_BYTES

/**
 * Compresses a chunk when that saves at least 10 %, else null. Large chunks are probed
 * first: three 16 KiB samples (start, middle, end) compressed together. Brotli on a
 * whole megabyte allocates megabytes of window and hash tables, and in the pipeline
 * that fresh memory (page faults) cost several times the check itself; the probe costs
 * a few percent of it (bench/README.md, "Compression probe"). A chunk whose samples save
 * under 5 % is taken as incompressible (media, archives, ciphertext); anything else
 * gets the real attempt.
 */
function compress (plaintext: Uint8Array): Uint8Array | null {
  const length = plaintext.byteLength
  if (length > SAMPLED_ABOVE) {
    const middle = Math.floor(length / 2 - SAMPLE_BYTES / 2)
    const probe = Buffer.concat([
      plaintext.subarray(0, SAMPLE_BYTES),
      plaintext.subarray(middle, middle + SAMPLE_BYTES),
      plaintext.subarray(length - SAMPLE_BYTES)
    ])
    if (brotli(probe, Math.floor(probe.byteLength * 0.95)) === null) return null
  }
  return brotli(plaintext, Math.floor(length * (1 - MIN_COMPRESSION_SAVING)))
}

export interface SealOptions {
  compress: boolean
  cipher?: ChunkCipher
  /** Memory for the sealed bytes (length = payload + 16); default: a new buffer. */
  allocate?: (length: number) => Uint8Array
}

/** Compress (maybe), derive the convergent key from the payload, encrypt and address one chunk. */
export function sealChunk (plaintext: Uint8Array, convergenceSecret: Uint8Array, options: SealOptions): SealedChunk {
  const cipher = options.cipher ?? nodeCipher
  let payload = plaintext
  let compression: Compression = 'none'
  if (options.compress && plaintext.byteLength > 0) {
    const packed = compress(plaintext)
    if (packed !== null) {
      payload = packed
      compression = 'brotli'
    }
  }
  // The key is derived from the bytes actually encrypted, not the raw plaintext: one
  // plaintext may be sealed compressed or not (another flag, another brotli build), and
  // the zero nonce is safe only while each key ever encrypts exactly one message.
  const key = convergentKey(convergenceSecret, payload)
  const out = options.allocate?.(payload.byteLength + TAG_BYTES)
  const { sealed, digest } = cipher.encryptAndDigest(key, payload, out)
  return { digest, key, sealed, size: plaintext.byteLength, compression }
}

/** Verify a fetched chunk against its address, decrypt and decompress it. */
export function openChunk (ref: ChunkRef, sealed: Uint8Array, cipher: ChunkCipher = nodeCipher): Uint8Array {
  if (sealed.byteLength !== ref.stored) {
    throw new IntegrityError(`chunk ${ref.cid.toString()}: ${sealed.byteLength} bytes, manifest says ${ref.stored}`)
  }
  if (!matchesAddress(ref, sealed)) {
    throw new IntegrityError(`chunk ${ref.cid.toString()}: bytes do not hash to its address`)
  }
  return decryptChunk(ref, sealed, cipher)
}

/** Whether fetched bytes are the chunk `ref` names: its size, hashing to its address. */
export function matchesAddress (ref: ChunkRef, sealed: Uint8Array): boolean {
  return sealed.byteLength === ref.stored && equalBytes(sha256(sealed), ref.cid.multihash.digest)
}

/**
 * Decrypts and decompresses bytes already checked with matchesAddress. A failure here
 * is the manifest's (wrong key, size or codec), not the holder's. With `inPlace` the
 * plaintext overwrites `sealed` (a view of it is returned when nothing was compressed).
 */
export function decryptChunk (ref: ChunkRef, sealed: Uint8Array, cipher: ChunkCipher = nodeCipher, inPlace = false): Uint8Array {
  const payload = cipher.decrypt(ref.key, sealed, inPlace ? sealed.subarray(0, Math.max(sealed.byteLength - TAG_BYTES, 0)) : undefined)
  let plaintext = payload
  if (ref.compression === 'brotli' || ref.compression === 'deflate') {
    try {
      // Bounded by the manifest's size, so a hostile chunk cannot balloon in memory.
      // Shoal writes brotli; deflate (raw, RFC 1951) is in the format, so it is read.
      const options = { maxOutputLength: Math.max(ref.size, 1) }
      plaintext = ref.compression === 'brotli' ? brotliDecompressSync(payload, options) : inflateRawSync(payload, options)
    } catch (err) {
      throw new IntegrityError(`chunk ${ref.cid.toString()}: does not decompress (${(err as Error).message})`)
    }
  } else if (ref.compression !== 'none') {
    throw new IntegrityError(`chunk ${ref.cid.toString()}: unknown compression '${String(ref.compression)}'`)
  }
  if (plaintext.byteLength !== ref.size) {
    throw new IntegrityError(`chunk ${ref.cid.toString()}: ${plaintext.byteLength} plaintext bytes, manifest says ${ref.size}`)
  }
  return plaintext
}

export function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
