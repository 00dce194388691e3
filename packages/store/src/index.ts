import { VaultStore } from './store.js'
import type { CID } from 'multiformats/cid'
import type { ChunkRecord, LeaseRecord, PeerRecord } from './records.js'

export { IntegrityError, NoSpaceError, StoreLockedError, ChunkTooLargeError, StoreClosedError, UnsupportedCidError } from './errors.js'
export { MAX_CHUNK_SIZE } from './address.js'
export { isVaultDir } from './layout.js'
export { createMemoryStore, type MemoryStoreInit } from './memory-store.js'
export type { ChunkRecord, LeaseRecord, PeerRecord } from './records.js'

export interface StoreInit {
  /** data dir; created if missing */
  dir: string
  /** bytes offered: the sum of stored blob sizes never exceeds it */
  space: number
}

export interface StoreStats {
  /** chunks held */
  chunks: number
  /** bytes held: the sum of blob file sizes on disk */
  bytes: number
  /** bytes offered */
  space: number
  /**
   * Bytes the vault's file system still has for it, less a small reserve the store keeps
   * for its index (absent for a store with no disk). Puts are refused past it, whatever
   * `space` says.
   */
  diskFree?: number
}

export interface PutChunkOptions {
  signal?: AbortSignal
  /**
   * The caller computed `cid` from exactly these bytes, in this process, just now (the
   * local pipeline's sealer hashes what it encrypts): the store then skips hashing them
   * again, a third SHA-256 pass over every byte of a local put. Never set it for bytes
   * that came from anywhere else; a vault serving the network verifies every PUT.
   */
  hashed?: boolean
  /**
   * What the chunk is kept for, and until when. Recorded with the chunk in the same index
   * write; for a chunk already held they are merged in (see addLeases). Without them the
   * chunk is pinned (a local vault): kept until deleted, never collected, and it stays
   * pinned if leases come later. The store may keep the array and the leases as given
   * (the memory store does): do not change them afterwards.
   */
  leases?: readonly LeaseRecord[]
}

/**
 * A vault's chunk store: encrypted chunks as files on disk, indexed and accounted in a
 * level database. Chunks are addressed by CIDv1 raw sha2-256 of their bytes.
 */
export interface Store {
  /** Opens the index, takes the data dir's lock and recovers from any crash. */
  start (): Promise<void>
  /** Waits for operations in flight, records a clean stop, releases the lock. */
  stop (): Promise<void>
  /**
   * Stores a chunk durably; true if newly stored, false if already held. Resolves only
   * once the chunk would survive a crash or power cut. `bytes` is written after it is
   * verified, so it must not change until the put settles (as with fs writes).
   * @throws UnsupportedCidError, ChunkTooLargeError, IntegrityError, NoSpaceError
   */
  put (cid: CID, bytes: Uint8Array, options?: PutChunkOptions): Promise<boolean>
  /**
   * The chunk's bytes, verified against its CID, or null when not held.
   * @throws IntegrityError when the stored blob is corrupt (it is then quarantined)
   */
  get (cid: CID, options?: { signal?: AbortSignal }): Promise<Uint8Array | null>
  has (cid: CID): Promise<boolean>
  /** true if the chunk was held and is now gone */
  delete (cid: CID): Promise<boolean>
  /**
   * Deletes a chunk this vault handed off, only while its record still says what `seen`
   * (read when the hand-off was decided) said: the same leases, not pinned. A lease that
   * came in meanwhile keeps it for the next look. true if it was deleted.
   */
  release (cid: CID, seen: ChunkRecord): Promise<boolean>
  list (): AsyncIterable<CID>
  stats (): Promise<StoreStats>

  /** What the vault knows about a held chunk, or null when not held. */
  record (cid: CID): Promise<ChunkRecord | null>
  /**
   * Merges leases into a held chunk's (a renewal): per owner and target the later expiry
   * wins, past MAX_LEASES the earliest-expiring go. false when the chunk is not held.
   */
  addLeases (cid: CID, leases: readonly LeaseRecord[]): Promise<boolean>
  /**
   * Removes every lease of `owner`. When that leaves none on a chunk that is not pinned,
   * the chunk is deleted (as delete() does). A drop that removes no lease changes nothing.
   */
  dropLeases (cid: CID, owner: Uint8Array): Promise<{ held: boolean, deleted: boolean }>
  /**
   * Up to `limit` records in index key order (the CID's bytes), strictly after `after`:
   * the repair walk. Fewer than `limit` means the end was reached; start again without `after`.
   */
  records (options: { after?: CID, limit: number }): Promise<ChunkRecord[]>
  /**
   * Deletes up to `limit` chunks whose every lease expired (expires ≤ now) and that are
   * neither pinned nor recovered, and returns their records. It reads an expiry index,
   * so its cost does not grow with what is still leased.
   */
  collectExpired (now: number, options: { limit: number }): Promise<ChunkRecord[]>
  /** A small JSON value kept with the index (a cursor), or undefined when never set. */
  getMeta (name: string): Promise<unknown>
  setMeta (name: string, value: unknown): Promise<void>
  /** The ledger of a peer (by its peer ID string); all zeros when unknown. */
  peerRecord (id: string): Promise<PeerRecord>
  /** Replaces a peer's ledger with `change(old)`; changes to one peer run one at a time. */
  updatePeer (id: string, change: (old: PeerRecord) => PeerRecord): Promise<PeerRecord>
  peerRecords (): AsyncIterable<[string, PeerRecord]>
}

export function createStore (init: StoreInit): Store {
  return new VaultStore(init)
}
