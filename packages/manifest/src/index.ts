/**
 * @shoal/manifest — chunk addresses, data maps (manifests) and capability URIs.
 * See README.md for the record formats.
 */
export { chunkCid, decodeChunkCid, parseChunkCid } from './cid.js'
/** The strict, deterministic CBOR profile manifests use; the chunk protocol reads its messages with it too. */
export { encodeCbor, decodeCbor } from './cbor.js'
export { encodeManifest, decodeManifest } from './codec.js'
export { sealManifest, openManifest } from './seal.js'
export type { SealOptions } from './seal.js'
export { formatCapability, parseCapability } from './capability.js'
export { directoryVersion, fileVersion, entryNameProblem, linkTargetProblem } from './schema.js'
export {
  InvalidCapabilityError, InvalidCidError, InvalidManifestError, UnsupportedManifestVersionError
} from './errors.js'
export {
  MAX_INLINE_MANIFEST_BYTES, MAX_MANIFEST_BYTES, MAX_INDIRECT_DEPTH, MAX_CHUNKS_PER_MANIFEST,
  MAX_ENTRIES_PER_DIRECTORY, MAX_NAME_BYTES, MAX_LINK_TARGET_BYTES, MAX_CHUNK_REF_BYTES, MAX_REPLICAS, MAX_ERASURE_SHARDS
} from './limits.js'
export { MANIFEST_VERSION, SYMLINK_MANIFEST_VERSION, ERASURE_MANIFEST_VERSION, COMPRESSIONS } from './types.js'
export type {
  Capability, ChunkRef, Compression, ContentEntry, DirectoryEntry, DirectoryManifest, FileManifest,
  IndirectManifest, Manifest, ManifestVersion, Redundancy, Stripe, SymlinkEntry
} from './types.js'
export type { CID } from 'multiformats/cid'
