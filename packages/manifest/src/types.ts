import type { CID } from 'multiformats/cid'

/** The manifest format version this build writes and the only one it reads. */
export const MANIFEST_VERSION = 1

/**
 * Per-chunk codec applied before encryption. Adding one means adding it here: readers
 * that do not know a codec reject the manifest (they could not decode the chunk).
 */
export const COMPRESSIONS = ['none', 'deflate', 'brotli'] as const
export type Compression = typeof COMPRESSIONS[number]

/** A read capability: the CID of a sealed manifest and the key that opens it. */
export interface Capability {
  cid: CID
  /** 32-byte XChaCha20-Poly1305 key */
  key: Uint8Array
}

export interface ChunkRef {
  /** address of the sealed chunk */
  cid: CID
  /** 32-byte convergent key of the chunk */
  key: Uint8Array
  /** plaintext bytes (before compression) */
  size: number
  /** sealed bytes as stored (after compression and encryption) */
  stored: number
  compression: Compression
}

/**
 * How a file's chunks are kept alive. Only `replicate` is used today; erasure coding is
 * planned (docs/architecture.md#what-comes-next).
 */
export type Redundancy =
  | { scheme: 'replicate', replicas: number }
  | { scheme: 'erasure', k: number, m: number }

export interface FileManifest {
  version: typeof MANIFEST_VERSION
  type: 'file'
  name?: string
  /** plaintext bytes; equals the sum of the chunk sizes */
  size: number
  /** permission bits, 0..0o7777 */
  mode?: number
  /** modification time, integer milliseconds since the Unix epoch */
  mtime?: number
  chunks: ChunkRef[]
  redundancy: Redundancy
}

export interface DirectoryEntry {
  name: string
  type: 'file' | 'directory'
  /** bytes of the file, or of all files beneath the directory (as the writer counted them) */
  size: number
  capability: Capability
}

export interface DirectoryManifest {
  version: typeof MANIFEST_VERSION
  type: 'directory'
  name?: string
  mode?: number
  mtime?: number
  /** encoded sorted by name (UTF-8 byte order); names are unique */
  entries: DirectoryEntry[]
}

/**
 * A manifest too large to store inline: `chunks` hold its CBOR encoding (chunked,
 * compressed and encrypted like file data) and `size` is that encoding's length.
 */
export interface IndirectManifest {
  version: typeof MANIFEST_VERSION
  type: 'indirect'
  size: number
  chunks: ChunkRef[]
}

export type Manifest = FileManifest | DirectoryManifest | IndirectManifest
