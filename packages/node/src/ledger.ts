// Contribution accounting: per peer, the bytes this vault stores for it (charged to the
// owners of a chunk's leases) and the bytes it stores for us (our own PUTs it accepted),
// kept in the store's peer ledger. The debt rule decides whether an uploader may store more.
import type { ChunkRecord, PeerRecord, Store } from '@shoal/store'
import { base58btc } from 'multiformats/bases/base58'

const GiB = 1024 * 1024 * 1024

export interface LedgerPolicy {
  /**
   * Bytes any peer may have stored here before it has stored anything for us: a new user
   * uploads at once, a freeloader gets this much and no more (default 1 GiB).
   */
  allowance: number
  /**
   * How far a peer that does store for us may run ahead of what it stores (default 4 GiB).
   * Pairwise accounting is sparse (a peer stores for us only what we ourselves placed on
   * it), so it is generous: a few GiB is little of a vault, and still bounds a peer that
   * gives a little to take a lot. At least `allowance`.
   */
  maxDebt: number
}

export const DEFAULT_LEDGER_POLICY: LedgerPolicy = { allowance: 1 * GiB, maxDebt: 4 * GiB }

export type LedgerStore = Pick<Store, 'peerRecord' | 'updatePeer' | 'peerRecords'>

export interface Ledger {
  /**
   * Whether `peer` may have `bytes` more stored here: storedFor + bytes stays within
   * storedBy + maxDebt for a peer that stores for us and is not marked bad, within
   * storedBy + allowance for anyone else.
   */
  admits: (peer: string, bytes: number) => Promise<boolean>
  /** This vault now stores `bytes` more (or, negative, fewer) for `peer`. */
  storedFor: (peer: string, bytes: number) => Promise<void>
  /** `peer` now stores `bytes` more (or fewer) for this vault: our own PUT to it stored the chunk. */
  storedBy: (peer: string, bytes: number) => Promise<void>
  /** A chunk left this vault (dropped, collected, handed off): its owners are no longer charged for it. */
  released: (record: Pick<ChunkRecord, 'size' | 'leases'>) => Promise<void>
  /** Every peer's ledger, for `shoal status`. */
  list: () => Promise<Array<{ peer: string, record: PeerRecord }>>
}

export function createLedger (store: LedgerStore, policy: Partial<LedgerPolicy> = {}): Ledger {
  const { allowance, maxDebt: wanted } = { ...DEFAULT_LEDGER_POLICY, ...policy }
  const maxDebt = Math.max(wanted, allowance)
  const add = async (peer: string, field: 'storedFor' | 'storedBy', bytes: number): Promise<void> => {
    if (bytes === 0) return
    await store.updatePeer(peer, old => ({ ...old, [field]: Math.max(0, old[field] + bytes) }))
  }
  return {
    async admits (peer, bytes) {
      const record = await store.peerRecord(peer)
      const trusted = record.storedBy > 0 && record.bad === undefined
      return record.storedFor + bytes <= record.storedBy + (trusted ? maxDebt : allowance)
    },
    storedFor: async (peer, bytes) => { await add(peer, 'storedFor', bytes) },
    storedBy: async (peer, bytes) => { await add(peer, 'storedBy', bytes) },
    async released (record) {
      for (const owner of leaseOwners(record.leases)) await add(owner, 'storedFor', -record.size)
    },
    async list () {
      const peers: Array<{ peer: string, record: PeerRecord }> = []
      for await (const [peer, record] of store.peerRecords()) peers.push({ peer, record })
      return peers
    }
  }
}

/** The peer ID string of a lease owner (its multihash bytes), or null for an unsigned legacy lease. */
export function ownerId (owner: Uint8Array): string | null {
  return owner.byteLength === 0 ? null : base58btc.encode(owner).slice(1)
}

/** The distinct owners of some leases, as peer ID strings (legacy leases have none). */
export function leaseOwners (leases: ReadonlyArray<{ owner: Uint8Array }>): Set<string> {
  const owners = new Set<string>()
  for (const lease of leases) {
    const id = ownerId(lease.owner)
    if (id !== null) owners.add(id)
  }
  return owners
}
