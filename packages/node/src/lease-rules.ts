// What a vault does with the leases of PUT, RENEW and DROP: every lease must verify for its
// owner and be current, a DROP's time must be near ours, and the ledger is kept in step
// (owners charged for what is stored for them, uploaders past their debt refused). Each lease
// is recorded with our time of taking it (`granted`): a DROP ends only leases granted by its
// `at`, so a captured DROP replayed later cannot end a lease its owner gave after it.
import type { DropRequest, PutRequest, RedundancyTarget, RenewRequest } from '@shoal/protocol'
import { MAX_TARGET_REPLICAS } from '@shoal/protocol'
import type { Clock } from '@shoal/runtime'
import type { LeaseRecord, Store } from '@shoal/store'
import { DebtError, UnauthorizedError } from './errors.js'
import { DEFAULT_LEASE_MS, DROP_WINDOW_MS, verifyDrop, verifyLease, wallTime } from './leases.js'
import { leaseOwners, ownerId, type Ledger } from './ledger.js'

export type LeaseStore = Pick<Store, 'put' | 'get' | 'has' | 'record' | 'addLeases' | 'dropLeases' | 'peerRecord' | 'updatePeer' | 'peerRecords'>

/**
 * A version 1 PUT carries no lease: it is kept for `replicate: 3` under this unsigned one
 * (no owner, a zero signature) for DEFAULT_LEASE_MS. Nobody can DROP it (no owner signs);
 * a later PUT or RENEW adds leases beside it, and another version 1 PUT moves its expiry on.
 */
export const LEGACY_TARGET: RedundancyTarget = { scheme: 'replicate', replicas: 3 }
const NO_OWNER = new Uint8Array(0)
const DAY_MS = 24 * 3600_000
/** The longest lease a vault takes: an owner keeps a chunk longer by renewing, not with one signature for ever. */
export const MAX_LEASE_MS = 400 * DAY_MS
const NO_SIGNATURE = new Uint8Array(64)

export interface LeaseRules {
  /** Stores a PUT's chunk with its leases; true if newly stored. @throws UnauthorizedError, DebtError, the store's errors */
  put: (request: PutRequest, from: string) => Promise<boolean>
  /** Adds a renewed lease; false when the chunk is not held. @throws UnauthorizedError, DebtError */
  renew: (request: RenewRequest, from: string) => Promise<boolean>
  /** Removes the owner's leases granted by the drop's time (the chunk goes with its last); false when not held. @throws UnauthorizedError */
  drop: (request: DropRequest) => Promise<boolean>
}

export function leaseRules (store: LeaseStore, ledger: Ledger, clock: Clock): LeaseRules {
  const now = wallTime(clock)
  /** An uploader (not a repairer passing on someone else's chunk) past its allowance is refused. */
  async function checkDebt (charged: Set<string>, from: string, bytes: number): Promise<void> {
    if (charged.has(from) && !await ledger.admits(from, bytes)) throw new DebtError(from)
  }

  async function charge (owners: Iterable<string>, bytes: number): Promise<void> {
    for (const owner of owners) await ledger.storedFor(owner, bytes)
  }

  return {
    async put (request, from) {
      const time = now()
      const size = request.bytes.byteLength
      let leases: LeaseRecord[]
      let owners: Set<string>
      if (request.target === undefined || request.leases === undefined) {
        leases = [{ owner: NO_OWNER, signature: NO_SIGNATURE, expires: Math.floor(time + DEFAULT_LEASE_MS), target: LEGACY_TARGET, granted: time }]
        // no owner on the wire: the sender is charged, or version 1 would be a way around the debt rule
        owners = new Set([from])
      } else {
        const target = request.target
        // the decoder checks this too, but a request handed over in memory never met it
        if (target.scheme === 'erasure' && !target.pieces[target.index]?.equals(request.cid)) throw new UnauthorizedError('the target names another chunk as piece index')
        request.leases.forEach((lease, i) => { checkLease(request.cid, lease, target, time, i) })
        leases = request.leases.map(lease => ({ owner: lease.owner, expires: lease.expires, signature: lease.signature, target, granted: time }))
        owners = leaseOwners(leases)
      }
      const before = await store.record(request.cid)
      // a chunk held already costs a version 1 sender nothing more: it brings no new owner
      if (before !== null && request.leases === undefined) owners.clear()
      if (before !== null) for (const owner of leaseOwners(before.leases)) owners.delete(owner)
      await checkDebt(owners, from, size)
      const stored = await store.put(request.cid, request.bytes, { leases })
      await charge(owners, size)
      return stored
    },

    async renew (request, from) {
      const { cid, lease } = request
      const time = now()
      if (lease.expires <= time) throw new UnauthorizedError('the renewed lease has already expired')
      if (lease.expires > time + MAX_LEASE_MS) throw new UnauthorizedError(`the renewed lease runs more than ${MAX_LEASE_MS / DAY_MS} days`)
      const record = await store.record(cid)
      if (record === null) return false
      // the lease is signed over the target, which RENEW does not carry: it is one the chunk is held for
      const target = candidateTargets(record.leases).find(t => verifies(() => { verifyLease(cid, lease, t) }))
      if (target === undefined) throw new UnauthorizedError('lease signature does not verify for its owner and any target this chunk is held for')
      const owner = ownerId(lease.owner)
      const isNew = owner !== null && !leaseOwners(record.leases).has(owner)
      const charged = new Set(isNew && owner !== null ? [owner] : [])
      await checkDebt(charged, from, record.size)
      if (!await store.addLeases(cid, [{ ...lease, target, granted: time }])) return false
      await charge(charged, record.size)
      return true
    },

    async drop (request) {
      const { cid, owner, at, signature } = request
      if (Math.abs(at - now()) > DROP_WINDOW_MS) throw new UnauthorizedError(`the drop's time is more than ${DROP_WINDOW_MS / 60_000} minutes from this vault's clock`)
      verifyDrop(cid, { owner, at, signature })
      const record = await store.record(cid)
      if (record === null) return false
      const { held, deleted } = await store.dropLeases(cid, owner, { grantedBy: at })
      const id = ownerId(owner)
      if (held && id !== null && leaseOwners(record.leases).has(id)) {
        // a lease granted after the drop keeps its owner charged
        const after = deleted ? null : await store.record(cid)
        if (after === null || !leaseOwners(after.leases).has(id)) await ledger.storedFor(id, -record.size)
      }
      return held
    }
  }
}

function checkLease (cid: PutRequest['cid'], lease: { owner: Uint8Array, expires: number, signature: Uint8Array }, target: RedundancyTarget, now: number, index: number): void {
  if (lease.expires <= now) throw new UnauthorizedError(`lease ${index + 1} has expired`)
  if (lease.expires > now + MAX_LEASE_MS) throw new UnauthorizedError(`lease ${index + 1} runs more than ${MAX_LEASE_MS / DAY_MS} days: renew it instead`)
  try {
    verifyLease(cid, lease, target)
  } catch (err) {
    throw err instanceof UnauthorizedError ? new UnauthorizedError(`lease ${index + 1}: ${err.reason}`) : err
  }
}

function verifies (check: () => void): boolean {
  try {
    check()
    return true
  } catch {
    return false
  }
}

/**
 * The targets a chunk is held for. A chunk recovered after an unclean stop has lost its
 * leases and with them its target: a replicate target of any size is tried (an erasure
 * piece can only be given its lease again by a PUT).
 */
function candidateTargets (leases: readonly LeaseRecord[]): RedundancyTarget[] {
  const seen = new Map<string, RedundancyTarget>()
  for (const { target } of leases) {
    const key = target.scheme === 'replicate' ? `r${target.replicas}` : `e${target.k}+${target.m}:${target.index}:${target.pieces.map(String).join(',')}:${target.sizes.join(',')}`
    if (!seen.has(key)) seen.set(key, target)
  }
  if (seen.size > 0) return [...seen.values()]
  return Array.from({ length: MAX_TARGET_REPLICAS }, (_, i) => ({ scheme: 'replicate' as const, replicas: i + 1 }))
}
