// The lease rules both stores share: how leases merge, which ones a full record drops,
// and when a chunk may be collected.
import { MAX_LEASES } from '@shoal/protocol'
import type { RedundancyTarget } from '@shoal/protocol'
import type { LeaseRecord } from './records.js'

export const NO_LEASES: readonly LeaseRecord[] = Object.freeze([])

/**
 * `held` with `added` merged in: a lease of the same owner and target as one held keeps
 * the later expiry (and that lease's signature); any other is added while there is room:
 * past MAX_LEASES the newcomers go, never a lease held (else anyone could push an owner's
 * lease out with throwaway keys, then drop their own, and the chunk with them). Returns
 * `held` itself when nothing changed, so a caller can skip the write.
 */
export function mergeLeases (held: readonly LeaseRecord[], added: readonly LeaseRecord[]): readonly LeaseRecord[] {
  // the common case, a new chunk's leases (one per owner): kept as given, not copied
  if (held.length === 0 && added.length <= MAX_LEASES && allDistinct(added)) return added
  let merged: LeaseRecord[] | null = null
  for (const lease of added) {
    const list = merged ?? held
    const at = list.findIndex(old => sameHolder(old, lease))
    if (at >= 0 && list[at].expires >= lease.expires) continue
    merged ??= [...held]
    if (at >= 0) merged[at] = lease
    else merged.push(lease)
  }
  if (merged === null) return held
  // held leases come first in `merged` (renewed in place), newcomers after them
  if (merged.length > MAX_LEASES) merged = merged.slice(0, Math.max(MAX_LEASES, held.length))
  return merged
}

/** `held` less every lease of `owner`; `held` itself when it had none. */
export function withoutOwner (held: readonly LeaseRecord[], owner: Uint8Array): readonly LeaseRecord[] {
  const kept = held.filter(lease => !bytesEqual(lease.owner, owner))
  return kept.length === held.length ? held : kept
}

/** When the last lease ends; -Infinity with none. */
export function lastExpiry (leases: readonly LeaseRecord[]): number {
  let last = -Infinity
  for (const lease of leases) if (lease.expires > last) last = lease.expires
  return last
}

/** The expiry a chunk is collected at, or null when it is kept whatever the time. */
export function collectAt (leases: readonly LeaseRecord[], pinned: boolean, recovered: boolean): number | null {
  if (pinned || recovered || leases.length === 0) return null
  return lastExpiry(leases)
}

/** The same leases in the same order: what a record read earlier still says. */
export function sameLeases (a: readonly LeaseRecord[], b: readonly LeaseRecord[]): boolean {
  if (a === b) return true
  return a.length === b.length && a.every((lease, i) => {
    const other = b[i]
    return lease.expires === other.expires && bytesEqual(lease.owner, other.owner) &&
      bytesEqual(lease.signature, other.signature) && sameTarget(lease.target, other.target)
  })
}

function allDistinct (leases: readonly LeaseRecord[]): boolean {
  for (let i = 1; i < leases.length; i++) {
    for (let j = 0; j < i; j++) if (sameHolder(leases[i], leases[j])) return false
  }
  return true
}

function sameHolder (a: LeaseRecord, b: LeaseRecord): boolean {
  return bytesEqual(a.owner, b.owner) && sameTarget(a.target, b.target)
}

export function sameTarget (a: RedundancyTarget, b: RedundancyTarget): boolean {
  if (a.scheme === 'replicate') return b.scheme === 'replicate' && a.replicas === b.replicas
  if (b.scheme !== 'erasure') return false
  return a.k === b.k && a.m === b.m && a.index === b.index &&
    a.pieces.length === b.pieces.length && a.pieces.every((cid, i) => cid.equals(b.pieces[i])) &&
    a.sizes.length === b.sizes.length && a.sizes.every((size, i) => size === b.sizes[i])
}

export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
