// What the repair loop needs of the vault's store and of the chunk protocol: the seams
// it is built on, so each part can be tested against a small fake.
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Lease, RedundancyTarget } from '@shoal/protocol'
import type { CID } from 'multiformats/cid'

// TODO(store lands): these mirror @shoal/store's LeaseRecord, ChunkRecord and PeerRecord; import them from there.
/** An uploader's signed lease as the vault keeps it: for one target. */
export interface LeaseRecord { owner: Uint8Array, expires: number, signature: Uint8Array, target: RedundancyTarget }
export interface ChunkRecord { cid: CID, size: number, leases: readonly LeaseRecord[], pinned?: boolean }
export interface PeerRecord { auditsPassed: number, auditsFailed: number, bad?: { reason: string, since: number } }

/** The parts of a vault's store the repair loop uses. */
export interface RepairStore {
  get: (cid: CID, options?: AbortOptions) => Promise<Uint8Array | null>
  put: (cid: CID, bytes: Uint8Array, options?: { leases?: readonly LeaseRecord[] }) => Promise<boolean>
  delete: (cid: CID) => Promise<boolean>
  record: (cid: CID) => Promise<ChunkRecord | null>
  records: (options: { after?: CID, limit: number }) => Promise<ChunkRecord[]>
  collectExpired: (now: number, options: { limit: number }) => Promise<ChunkRecord[]>
  getMeta: (name: string) => Promise<unknown>
  setMeta: (name: string, value: unknown) => Promise<void>
  updatePeer: <P extends PeerRecord>(id: string, change: (old: P) => P) => Promise<P>
  peerRecords: () => AsyncIterable<[string, PeerRecord]>
}

/** The requests the repair loop makes of other vaults (a ChunkClient fits). */
export interface RepairChunks {
  put: (peer: PeerId, cid: CID, bytes: Uint8Array, options: AbortOptions & { target: RedundancyTarget, leases: Lease[] }) => Promise<boolean>
  get: (peer: PeerId, cid: CID, options?: AbortOptions) => Promise<Uint8Array | null>
  has: (peer: PeerId, cids: CID[], options?: AbortOptions) => Promise<boolean[]>
  audit: (peer: PeerId, cid: CID, nonce: Uint8Array, options?: AbortOptions) => Promise<Uint8Array | null>
}

/** Peers closest to a key, closest first (a node's closestPeers). */
export type ClosestPeers = (key: Uint8Array, count: number, options?: AbortOptions) => Promise<PeerId[]>

export interface RepairMetrics {
  /** chunks found short in this tick and not yet repaired */
  queueLength: number
  chunksRepaired: number
  repairBytesSent: number
  chunksUnderTarget: number
  handedOff: number
  auditsPassed: number
  auditsFailed: number
  scrubbed: number
  corruptReplaced: number
  collected: number
}
