import type { RedundancyTarget } from '@shoal/protocol'
import type { CID } from 'multiformats/cid'

/**
 * An uploader's signed word that it wants a chunk kept until `expires` (ms since 1970) for
 * `target`. The store keeps it as given; the node verifies it before it gets here.
 */
export interface LeaseRecord {
  owner: Uint8Array
  expires: number
  signature: Uint8Array
  target: RedundancyTarget
  /**
   * The vault's wall time (ms since 1970) when it took this lease, or last took it again (a
   * renewal, a re-put): a DROP signed before then does not end it. 0 or absent: unknown
   * (recorded before vaults kept it), so any drop of its owner ends it.
   */
  granted?: number
}

/** What a vault knows about a chunk it holds. */
export interface ChunkRecord {
  cid: CID
  /** bytes of the chunk */
  size: number
  /** ms since 1970 */
  storedAt: number
  /** at most MAX_LEASES, one per owner and target; read-only (the store may share it) */
  leases: readonly LeaseRecord[]
  /** put without leases (a local vault): kept until deleted, never collected */
  pinned: boolean
  /**
   * Rebuilt from its blob after an unclean stop that lost its record: its leases are
   * unknown, so it is kept (not collected) until a put or addLeases gives it leases again.
   */
  recovered: boolean
}

/** The per-peer ledger: what this vault and a peer did for each other. */
export interface PeerRecord {
  /** bytes this vault stores for the peer */
  storedFor: number
  /** bytes the peer stores for this vault */
  storedBy: number
  auditsPassed: number
  auditsFailed: number
  /** set when the peer was judged bad, and why */
  bad?: { reason: string, since: number }
}

export function emptyPeerRecord (): PeerRecord {
  return { storedFor: 0, storedBy: 0, auditsPassed: 0, auditsFailed: 0 }
}
