import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { IntegrityError, UnsupportedCidError } from './errors.js'

/** multicodec raw: chunks are opaque ciphertext. */
export const RAW_CODE = 0x55
/** multihash sha2-256. */
export const SHA2_256_CODE = 0x12

/** The largest chunk the network makes (4 MiB, the chunker's maximum) plus the 16-byte AEAD tag. */
export const MAX_CHUNK_SIZE = 4 * 1024 * 1024 + 16

/** The sha-256 digest a vault CID names, or null when the store could never hold it. */
export function chunkDigest (cid: CID): Uint8Array | null {
  if (cid.version !== 1 || cid.code !== RAW_CODE) return null
  if (cid.multihash.code !== SHA2_256_CODE || cid.multihash.digest.byteLength !== 32) return null
  return cid.multihash.digest
}

/** Like chunkDigest, but says clearly why a CID is refused. */
export function requireChunkDigest (cid: CID): Uint8Array {
  const digest = chunkDigest(cid)
  if (digest != null) return digest
  const reason = cid.version !== 1
    ? `CIDv${cid.version}`
    : cid.code !== RAW_CODE
      ? `codec 0x${cid.code.toString(16)}`
      : `multihash 0x${cid.multihash.code.toString(16)} of ${cid.multihash.digest.byteLength} bytes`
  throw new UnsupportedCidError(cid.toString(), reason)
}

export function sha256 (bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest()
}

export function hashMatches (bytes: Uint8Array, digest: Uint8Array): boolean {
  return Buffer.from(sha256(bytes)).equals(digest)
}

export function assertHashMatches (cid: CID, bytes: Uint8Array, digest: Uint8Array): void {
  if (!hashMatches(bytes, digest)) {
    throw new IntegrityError(`bytes do not hash to ${cid.toString()}`)
  }
}

/**
 * Shard directories come from the digest, not the CID string: every raw sha2-256 CID
 * string starts 'bafkrei', so its first characters would put everything in one shard.
 */
export function shardOf (digest: Uint8Array): [string, string] {
  const hex = Buffer.from(digest.subarray(0, 2)).toString('hex')
  return [hex.slice(0, 2), hex.slice(2, 4)]
}

/**
 * The CID a file under blobs/ claims to be, if its name is a vault CID that belongs in
 * the shard it was found in; null for anything else (foreign or misplaced files).
 */
export function parseBlobName (name: string, shard: [string, string]): CID | null {
  let cid: CID
  try {
    cid = CID.parse(name)
  } catch {
    return null
  }
  const digest = chunkDigest(cid)
  if (digest == null || cid.toString() !== name) return null
  const [a, b] = shardOf(digest)
  return a === shard[0] && b === shard[1] ? cid : null
}
