import type { CID } from 'multiformats/cid'
import type { ChunkerOptions } from '@shoal/chunker'
import type { Capability, Compression, Redundancy } from '@shoal/manifest'
import type { ReplicateTarget } from '@shoal/protocol'
import type { Sealer } from './seal-pool.js'
import type { SwarmStats } from './swarm.js'
import type { Clock } from '@shoal/runtime'

import type { AbortOptions } from '@libp2p/interface'
export type { AbortOptions }

/** Where sealed chunks go: a local vault store now, the network later. */
export interface ChunkSink {
  /**
   * Resolves true when the chunk was newly stored, false when it was already held.
   * The caller reuses `bytes` once the promise settles: copy them to keep them.
   */
  put (cid: CID, bytes: Uint8Array, options?: SinkPutOptions): Promise<boolean>
  /**
   * Stores one stripe of an erasure-coded file: `pieces` are its k data pieces then its m
   * parity pieces (a CID may appear more than once: identical chunks), piece i placed
   * by its index. Resolves, per piece, whether it was newly stored. A sink without it
   * (a local vault) gets each piece with `put`. The caller reuses the bytes once it settles.
   */
  putStripe?: (pieces: StripePiece[], options: StripePutOptions) => Promise<boolean[]>
}

export interface StripePiece { cid: CID, bytes: Uint8Array }

export interface StripePutOptions {
  /** data pieces in this stripe (the last stripe of a file may have fewer than the file's k) */
  k: number
  m: number
  signal?: AbortSignal
}

export interface SinkPutOptions extends AbortOptions {
  /**
   * `cid` was computed from exactly these bytes in this process (the sealer's digest): a
   * local store may skip hashing them again. Bytes that cross a network are always
   * verified by whoever receives them, whatever this says.
   */
  hashed?: boolean
  /**
   * How many holders the chunk should have when that is not the sink's own default: the
   * manifest blocks of an erasure-coded file (replicas max(3, m + 1)), or a put given
   * an explicit `redundancy`. A local vault ignores it.
   */
  target?: ReplicateTarget
}

/** Where sealed chunks come from. Untrusted: every chunk is verified against its CID. */
export interface ChunkSource {
  /** Resolves null when no holder has the chunk. */
  get (cid: CID, options?: AbortOptions): Promise<Uint8Array | null>
}

/**
 * Where the uploader placed a chunk that is not kept at its own address: piece `index`
 * of a stripe of `pieces` pieces went to the `index`-th of the peers closest to `key`
 * (the stripe's key, stripeKey in @shoal/protocol).
 */
export interface Placement {
  key: Uint8Array
  index: number
  pieces: number
}

export interface HoldersOptions extends AbortOptions {
  /** none of those answered before had it: look again (a fresh lookup, no cached answer) */
  refresh?: boolean
  /** the chunk is a piece of a stripe: its holders are the stripe's, this piece's first */
  placement?: Placement
}

export interface FetchFromOptions extends AbortOptions {
  /**
   * Where the source may assemble the chunk (at least `length` bytes), e.g. a pooled
   * buffer the caller recycles once it has verified and used the bytes.
   */
  allocate?: (length: number) => Uint8Array
}

/**
 * A source with several holders per chunk that can be asked one at a time (the
 * network): what the swarming downloader needs to spread requests and blame.
 */
export interface HolderSource extends ChunkSource {
  /**
   * Holders that may have the chunk, likeliest first (the uploader's placement order):
   * the peers closest to its address, or to its stripe's key when `placement` says so.
   */
  holders (cid: CID, options?: HoldersOptions): Promise<string[]>
  /**
   * The chunk's bytes as `holder` sends them, unverified (the caller checks them), or null
   * when it does not hold the chunk. Throws a RemoteError (@shoal/protocol) for an ERR
   * answer; anything else thrown means the holder failed.
   */
  fetchFrom (holder: string, cid: CID, options?: FetchFromOptions): Promise<Uint8Array | null>
  /** The clock the source's own deadlines run on: a download through it uses it too, unless told otherwise. */
  readonly clock?: Clock
  /**
   * Which of `cids` `holder` holds (a HAS), without fetching them: what checkFile asks.
   * Throws when the holder cannot be asked (dead, unreachable).
   */
  has?: (holder: string, cids: CID[], options?: AbortOptions) => Promise<boolean[]>
}

export interface Progress {
  /** Plaintext bytes processed so far. */
  bytes: number
  /** Total plaintext bytes, when known in advance. */
  total?: number
}

export interface PutOptions extends AbortOptions {
  /** The user's convergence secret: chunk keys are derived from it (docs/architecture.md#put). */
  convergenceSecret: Uint8Array
  /** Compress chunks that shrink by at least 10 % (default true). */
  compress?: boolean
  chunker?: ChunkerOptions
  /** Worker threads that seal chunks; 0 seals on the calling thread. Default: one per core but one (at least one); none for a single file under 8 MiB (put). */
  workers?: number
  /**
   * A long-lived sealer (createSealer) to use instead of starting workers for this put,
   * as a daemon would keep one. It must have been made with the same convergence secret
   * and decides compression itself (`compress` and `workers` are then ignored). Not closed.
   */
  sealer?: Sealer
  /** Replicas recorded in the manifest's redundancy scheme (default 3); `redundancy` overrides it. */
  replicas?: number
  /**
   * How the file's chunks are kept: `replicate` (the default, `replicas` copies) or
   * `erasure` (stripes of k chunks plus m parity pieces, stored through the sink's
   * putStripe). Given, each chunk's put also carries it as its `target`.
   */
  redundancy?: Redundancy
  /** Recorded in the file manifest. */
  name?: string
  mode?: number
  mtime?: number
  /** Plaintext size, when known, for progress reports. */
  size?: number
  onProgress?: (progress: Progress) => void
  /** A directory put met an entry it cannot store (a socket, a device, a FIFO, a link whose target is not UTF-8). */
  onSkipped?: (path: string, reason: string) => void
}

export interface PutResult {
  capability: Capability
  uri: string
  /** Plaintext bytes. */
  size: number
  /** Data chunks in the file, manifests not included. */
  chunks: number
  /**
   * Manifest blocks stored: one per file and per directory, more for a manifest so large
   * that it is itself stored as content (indirect). `chunks + manifests` is every block
   * the put stored, of which `newChunks` were new.
   */
  manifests: number
  /** Chunks (data and manifest) the sink did not hold before this put. */
  newChunks: number
  /** Sealed bytes of the new chunks. */
  storedBytes: number
}

export interface GetOptions extends AbortOptions {
  /** Chunks fetched, verified and decrypted at once (default 8); bounds memory. */
  concurrency?: number
  /**
   * A file download keeps a state file beside its partial output and, run again after an
   * interruption (Ctrl-C, kill -9), fetches only what is missing (default true).
   */
  resume?: boolean
  onProgress?: (progress: Progress) => void
  /** What a streamed download (getStream) took: bytes fetched, duplicates, blamed holders. */
  onStats?: (stats: SwarmStats) => void
  /** time for the swarm (default real time; a virtual clock over the in-memory network) */
  clock?: Clock
  /**
   * Restore symbolic links whose target leads outside the directory being written (an
   * absolute target, or one that climbs out with '..'). Default false: getFile refuses
   * the tree with an EscapingLinkError.
   */
  allowEscapingLinks?: boolean
}

export type { Compression }
