// Chunk addresses: CIDv1, codec raw (0x55), multihash sha2-256 with a 32-byte digest.
// Nothing else is a valid Shoal chunk address, so parsing is strict and canonical:
// one chunk, one byte string, one text string.
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { base32Problem, decodeBase32, encodeBase32 } from './base32.js'
import { InvalidCidError } from './errors.js'

const RAW_CODE = 0x55
const SHA2_256_CODE = 0x12
const DIGEST_BYTES = 32
/** version 1, codec raw, multihash sha2-256, digest length 32: every chunk CID starts so */
const PREFIX = Uint8Array.of(0x01, RAW_CODE, SHA2_256_CODE, DIGEST_BYTES)
export const CHUNK_CID_BYTES = PREFIX.length + DIGEST_BYTES
/** 'b' multibase prefix + 36 bytes in base32 */
export const CHUNK_CID_CHARS = 1 + Math.ceil(CHUNK_CID_BYTES * 8 / 5)
// parse errors quote the input; never quote something huge
const MAX_CID_TEXT = 256

export function chunkCid (digest: Uint8Array): CID {
  if (!(digest instanceof Uint8Array)) throw new InvalidCidError('digest must be a Uint8Array')
  if (digest.length !== DIGEST_BYTES) throw new InvalidCidError(`sha2-256 digest is ${digest.length} bytes, expected ${DIGEST_BYTES}`)
  // copy: multiformats keeps a reference to the digest it is given
  return CID.createV1(RAW_CODE, Digest.create(SHA2_256_CODE, digest.slice()))
}

/** The binary form of a chunk CID, strictly checked (used for CIDs inside manifests). */
export function decodeChunkCid (bytes: Uint8Array): CID {
  if (!(bytes instanceof Uint8Array)) throw new InvalidCidError('expected CID bytes')
  if (bytes.length === CHUNK_CID_BYTES && PREFIX.every((b, i) => bytes[i] === b)) {
    return chunkCid(bytes.subarray(PREFIX.length))
  }
  throw new InvalidCidError(diagnose(bytes))
}

/** Why these bytes are not a chunk CID, as specifically as we can tell. */
function diagnose (bytes: Uint8Array): string {
  let cid: CID
  try {
    cid = CID.decode(bytes)
  } catch (err) {
    return `malformed CID bytes (${(err as Error).message})`
  }
  if (cid.version !== 1) return `CID version ${cid.version}, expected 1`
  if (cid.code !== RAW_CODE) return `codec 0x${cid.code.toString(16)}, expected raw (0x55)`
  if (cid.multihash.code !== SHA2_256_CODE) return `hash function 0x${cid.multihash.code.toString(16)}, expected sha2-256 (0x12)`
  if (cid.multihash.size !== DIGEST_BYTES) return `digest is ${cid.multihash.size} bytes, expected ${DIGEST_BYTES}`
  return 'CID is not in canonical (minimal varint) form'
}

export function formatChunkCid (cid: CID): string {
  return 'b' + encodeBase32(cid.bytes)
}

export function parseChunkCid (text: string): CID {
  if (typeof text !== 'string') throw new InvalidCidError(`expected a string, got ${typeof text}`)
  if (text.length === 0) throw new InvalidCidError('empty string')
  if (text.length > MAX_CID_TEXT) throw new InvalidCidError(`${text.length} characters is far longer than a chunk CID (${CHUNK_CID_CHARS})`)
  if (text[0] !== 'b') {
    const hint = text.startsWith('Qm') ? ' (this looks like a CIDv0)' : ''
    throw new InvalidCidError(`must be lowercase base32 with multibase prefix 'b', got prefix ${JSON.stringify(text[0])}${hint}`)
  }
  const body = text.slice(1)
  const problem = base32Problem(body)
  if (problem !== undefined) throw new InvalidCidError(`bad base32: ${problem}`)
  return decodeChunkCid(decodeBase32(body))
}
