// The lease rules both stores share: how leases merge, which ones a full record drops,
// and when a chunk may be collected.
import { MAX_LEASES } from '@shoal/protocol'
import type { RedundancyTarget } from '@shoal/protocol'
import type { LeaseRecord } from './records.js'

export const NO_LEASES: readonly LeaseRecord[] = Object.freeze([])

/**
 * `held` with `added` merged in: a lease of the same owner and target as one held keeps
 * the later expiry (and that lease's signature); any other is added. Past MAX_LEASES the
 * earliest-expiring go. Returns `held` itself when nothing changed, so a caller can skip
 * the write.
 */
export function mergeLeases (held: readonly LeaseRecord[], added: readonly LeaseRecord[]): readonly LeaseRecord[] {
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
  if (merged.length > MAX_LEASES) merged = merged.sort((a, b) => b.expires - a.expires).slice(0, MAX_LEASES)
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
