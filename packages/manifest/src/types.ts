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

/**
 * The format version of an erasure-coded file, and only of such a file: its data chunks
 * live at their stripe's address, not their own, and a lost one is rebuilt from the
 * parity its stripes record. A reader of versions 1 and 2 alone says "upgrade" instead of
 * looking for the chunks where they are not.
 */
export const ERASURE_MANIFEST_VERSION = 3

export type ManifestVersion = typeof MANIFEST_VERSION | typeof SYMLINK_MANIFEST_VERSION | typeof ERASURE_MANIFEST_VERSION

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
 * How a file's chunks are kept alive: `replicas` whole copies of each, or stripes of `k`
 * chunks (the data pieces) plus `m` parity pieces, any `k` of which rebuild the rest.
 */
export type Redundancy =
  | { scheme: 'replicate', replicas: number }
  | { scheme: 'erasure', k: number, m: number }

/**
 * One stripe of an erasure-coded file: its data pieces are the file's chunks
 * `s * k .. s * k + k - 1` (fewer in the last stripe), as stored; `parity` are its `m`
 * parity pieces, each `size` bytes: the stripe's longest data piece (stored size).
 */
export interface Stripe {
  parity: CID[]
  size: number
}

export interface FileManifest {
  /** ERASURE_MANIFEST_VERSION when the redundancy is erasure, else MANIFEST_VERSION (fileVersion) */
  version: typeof MANIFEST_VERSION | typeof ERASURE_MANIFEST_VERSION
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
  /** present exactly when the redundancy is erasure: one per k chunks, in order */
  stripes?: Stripe[]
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
  version: typeof MANIFEST_VERSION | typeof SYMLINK_MANIFEST_VERSION
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
