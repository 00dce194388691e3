// Where `put`, `get` and `ls` send and fetch content: a vault directory, the network
// through a short-lived client node, or a running daemon's HTTP API. Chosen once per
// command (choose.ts); the commands and their directory walks (../transfer/) are written
// once against this. A backend moves one file or one directory listing at a time: which
// files, in what order, how many at once, and what the local file system sees (names,
// metadata, the rename into place) is the walk's business.
import type { AbortOptions } from '@libp2p/interface'
import type { Blame, LeaseReport, PutResult, TreeHealth } from '@shoal/client'
import type { Redundancy } from '@shoal/manifest'

export type { AbortOptions }

export type EntryType = 'file' | 'directory' | 'symlink'

/** What a manifest records of a file or directory besides its content. */
export interface Metadata {
  name?: string
  /** permission bits as stat reports them (& 0o7777) */
  mode?: number
  /** milliseconds since 1970, whole */
  mtime?: number
}

/** A file's bytes to put: a file on disk, read as it is put, or a stream of unknown length (standard input). */
export type FileContent = { path: string, size: number } | { stream: AsyncIterable<Uint8Array> }

export interface PutOptions extends AbortOptions {
  /** copies of each chunk; undefined: the backend's default (3, or the daemon's --replicas) */
  replicas?: number
  /** how chunks are kept (replicate:R or rs:K+M); given, it wins over `replicas` */
  redundancy?: Redundancy
  /** how long the uploaded chunks are leased (default 90 days); a vault keeps them unleased */
  leaseMs?: number
  convergence: 'user' | 'shared'
  compress: boolean
  /** the put is of this one file alone, not of a directory's (a vault may seal a small one on this thread) */
  alone?: boolean
  /** plaintext bytes of this file taken in so far */
  onProgress?: (bytes: number) => void
}

/** What a put stored: the client's own account of it, with the URI as text (a daemon sends no binary capability). */
export type Stored = Omit<PutResult, 'capability'>

/** A file or directory in a directory listing: what its own URI names. */
export interface ContentEntry { name: string, type: 'file' | 'directory', size: number, uri: string }

/** A symbolic link in a directory listing: its target as the link held it. */
export interface LinkEntry { name: string, type: 'symlink', target: string }

/** One entry of a directory listing. */
export type Entry = ContentEntry | LinkEntry

/** Plaintext bytes an entry holds (a link: none). */
export function entrySize (entry: Entry): number {
  return entry.type === 'symlink' ? 0 : entry.size
}

/** What a URI names: a file (no entries) or a directory. */
export interface Listing extends Metadata {
  type: 'file' | 'directory'
  /** a file's bytes; a directory's, the sum of its entries' sizes */
  size: number
  /** in the manifest's order (UTF-8 byte order of the names); empty for a file */
  entries: Entry[]
}

/**
 * Where a get keeps a file's bytes until they are complete, and the record of which of
 * them are on disk for sure (written only after they were synced).
 */
export interface PartialFile { data: string, state: string }

export interface FetchOptions extends AbortOptions {
  /** plaintext bytes of this file on disk so far (resumed ones included), of `total` */
  onProgress?: (bytes: number, total: number) => void
}

/** What a download cost. */
export interface TransferStats {
  /** bytes received for it (from holders: sealed, duplicates included; from a daemon: its answers) */
  fetchedBytes: number
  /** plaintext bytes an interrupted earlier run had already written, not fetched again */
  resumedBytes: number
  /** extra requests for stalled chunks and in endgame (none through a daemon: it swarms itself) */
  duplicates: number
  /** holders skipped, and why (none through a daemon) */
  blamed: Blame[]
}

export interface Fetched extends TransferStats, Metadata {
  size: number
}

/** What a check, renew or rm walked and found, for every block of a capability. */
export interface Upkeep {
  /** live holders or pieces against target for every chunk and stripe; `repair` puts back what is short under leases of `leaseMs` */
  check: (uri: string, options: AbortOptions & { repair: boolean, leaseMs: number }) => Promise<TreeHealth>
  /** fresh leases of `leaseMs` to every holder of every block */
  renew: (uri: string, options: AbortOptions & { leaseMs: number }) => Promise<LeaseReport>
  /** signed drops of this owner's leases to every holder of every block, but those the files `keep` use (their count in `kept`) */
  remove: (uri: string, options?: AbortOptions & { keep?: string[] }) => Promise<LeaseReport>
}

export interface Backend {
  /** how messages name it: 'through <api url>' for a daemon, '' otherwise */
  readonly via: string
  /** Stores one file's bytes with its metadata. */
  putFile: (content: FileContent, meta: Metadata, options: PutOptions) => Promise<Stored>
  /** Stores a directory listing of entries already stored. */
  putDirectory: (directory: Metadata & { entries: Entry[] }, options: PutOptions) => Promise<Stored>
  list: (uri: string, options?: AbortOptions) => Promise<Listing>
  /** A file's plaintext in order, verified (a WrongTypeError for a directory). */
  read: (uri: string, options?: AbortOptions) => AsyncIterable<Uint8Array>
  /**
   * Makes `partial.data` hold the file's exact bytes, synced, continuing from what
   * `partial.state` says an earlier run left, and removes the state. Throws a
   * WrongTypeError before writing anything when the URI names a directory. Stopped (an
   * interruption, see isInterruption), it leaves both for the next run.
   */
  fetch: (uri: string, partial: PartialFile, options?: FetchOptions) => Promise<Fetched>
  /** check, renew and rm: the network and a daemon (a vault has no holders to ask) */
  upkeep?: Upkeep
  /** Releases what the backend holds (a vault, a client node, worker threads). */
  close: () => Promise<void>
}
