// What the repair loop needs of the vault's store and of the chunk protocol: the seams
// it is built on, so each part can be tested against a small fake.
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Lease, RedundancyTarget } from '@shoal/protocol'
import type { Store } from '@shoal/store'
import type { CID } from 'multiformats/cid'

export type { ChunkRecord, LeaseRecord, PeerRecord } from '@shoal/store'

/** The parts of a vault's store the repair loop uses. */
export type RepairStore = Pick<Store, 'get' | 'has' | 'put' | 'addLeases' | 'release' | 'record' | 'records' | 'collectExpired' | 'getMeta' | 'setMeta' | 'updatePeer' | 'peerRecords'>

/** The requests the repair loop makes of other vaults (a ChunkClient fits). */
export interface RepairChunks {
  put: (peer: PeerId, cid: CID, bytes: Uint8Array, options: AbortOptions & { target?: RedundancyTarget, leases?: Lease[] }) => Promise<boolean>
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
  /** stripes some of whose missing pieces this vault placed, all it should have */
  stripesRepaired: number
  /** pieces rebuilt from k others and placed */
  piecesRebuilt: number
  /** bytes fetched from other vaults to rebuild pieces */
  repairBytesFetched: number
  /** stripes found with a piece missing from their set (counted by each vault that walked them) */
  stripesUnderTarget: number
  /** stripes this vault acts for that have fewer than k live pieces: nothing can rebuild them */
  stripesUnrecoverable: number
  handedOff: number
  auditsPassed: number
  auditsFailed: number
  scrubbed: number
  corruptReplaced: number
  collected: number
}
