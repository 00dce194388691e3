// What a held chunk is kept for, from its leases: a lease is signed over one target, so a
// repair PUT carries one target and only the leases signed for it. A chunk leased by two
// uploaders for different targets (dedup across files) is repaired for each.
import type { Lease, RedundancyTarget } from '@shoal/protocol'
import type { ChunkRecord, LeaseRecord } from './types.js'

export interface LeaseGroup {
  target: RedundancyTarget
  /**
   * the current leases signed for `target`, as a PUT carries them; empty when the chunk
   * is kept for it only under the unsigned lease of a version 1 PUT, which no PUT can
   * carry (the repair then goes out as a version 1 PUT, without target or lease)
   */
  leases: Lease[]
}

/** The targets the chunk's current leases (expiring after `now`, ms since 1970) keep it for. */
export function leaseGroups (record: Pick<ChunkRecord, 'leases'>, now: number): LeaseGroup[] {
  const groups = new Map<string, LeaseGroup>()
  for (const lease of record.leases) {
    if (lease.expires <= now) continue
    const key = targetKey(lease.target)
    let group = groups.get(key)
    if (group === undefined) {
      group = { target: lease.target, leases: [] }
      groups.set(key, group)
    }
    // the unsigned legacy lease keeps the group, but no vault would accept it on a PUT
    if (lease.owner.byteLength > 0) group.leases.push(wireLease(lease))
  }
  return [...groups.values()]
}

/** A lease as a PUT carries it (its target travels once, beside it). */
export function wireLease (lease: LeaseRecord): Lease {
  return { owner: lease.owner, expires: lease.expires, signature: lease.signature }
}

/** Equal for equal targets. */
export function targetKey (target: RedundancyTarget): string {
  return target.scheme === 'replicate'
    ? `r${target.replicas}`
    : `e${target.k}+${target.m}#${target.index}:${target.pieces.map(String).join(',')}:${target.sizes.join(',')}`
}
