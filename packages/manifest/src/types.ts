import type { CID } from 'multiformats/cid'

/**
 * The format version of every record that holds no symlink entry: builds before symlink
 * entries read this version only.
 */
export const MANIFEST_VERSION = 1

/**
 * The format version of a directory that holds a symlink entry, and only of such a
 * directory. A reader of version 1 alone then says "upgrade" instead of reading the
 * directory without its links.
 */
export const SYMLINK_MANIFEST_VERSION = 2

export type ManifestVersion = typeof MANIFEST_VERSION | typeof SYMLINK_MANIFEST_VERSION

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

/** A file or a directory in a directory: its own manifest's capability. */
export interface ContentEntry {
  name: string
  type: 'file' | 'directory'
  /** bytes of the file, or of all files beneath the directory (as the writer counted them) */
  size: number
  capability: Capability
}

/** A symbolic link in a directory: its target as the link holds it, never followed. */
export interface SymlinkEntry {
  name: string
  type: 'symlink'
  target: string
}

export type DirectoryEntry = ContentEntry | SymlinkEntry

export interface DirectoryManifest {
  /** SYMLINK_MANIFEST_VERSION when an entry is a symlink, else MANIFEST_VERSION (directoryVersion) */
  version: ManifestVersion
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
