// Leases and redundancy targets as the wire (@shoal/protocol) and the vault's index
// (@shoal/store) both hold them; the CID type is the caller's, so this package needs
// neither. Within the wire limits: 1..64-byte owners, 64-byte signatures, whole times.
import fc from 'fast-check'

export interface LeaseFields { owner: Uint8Array, expires: number, signature: Uint8Array }
export type TargetOf<C> =
  | { scheme: 'replicate', replicas: number }
  | { scheme: 'erasure', k: number, m: number, index: number, pieces: C[], sizes: number[] }

const time = fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.constant(Number.MAX_SAFE_INTEGER))

export const timeArb = time

export const leaseFieldsArb: fc.Arbitrary<LeaseFields> = fc.record({
  owner: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  expires: time,
  signature: fc.uint8Array({ minLength: 64, maxLength: 64 })
})

/** A target for the chunk `own`: replicas, or piece `index` of a small stripe that holds `own` there. */
export function targetArb<C> (cids: fc.Arbitrary<C>, own: C): fc.Arbitrary<TargetOf<C>> {
  const replicate = fc.record({ scheme: fc.constant('replicate' as const), replicas: fc.integer({ min: 1, max: 64 }) })
  const erasure = fc.record({ k: fc.integer({ min: 1, max: 6 }), m: fc.integer({ min: 1, max: 4 }) })
    .chain(({ k, m }) => fc.record({
      index: fc.integer({ min: 0, max: k + m - 1 }),
      pieces: fc.array(cids, { minLength: k + m, maxLength: k + m }),
      sizes: fc.array(fc.integer({ min: 0, max: 4 * 1024 * 1024 }), { minLength: k + m, maxLength: k + m })
    }).map(({ index, pieces, sizes }) => {
      pieces[index] = own
      return { scheme: 'erasure' as const, k, m, index, pieces, sizes }
    }))
  return fc.oneof(replicate, erasure)
}
