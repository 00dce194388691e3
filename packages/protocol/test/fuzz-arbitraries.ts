// Valid requests and responses of both message versions, for the round-trip and
// mutation properties; and a plain form of a message that deep-equality can compare.
import fc from 'fast-check'
import { chunkCid } from '@shoal/manifest'
import { CID } from 'multiformats/cid'
import {
  MAX_ERROR_MESSAGE_BYTES, MAX_REQUEST_ID, MAX_TARGET_REPLICAS, NONCE_BYTES, PROOF_BYTES, PROTOCOL_VERSION, PROTOCOL_VERSION_2, SIGNATURE_BYTES,
  WIRE_ERROR_CODES, type ChainLink, type Lease, type ProtocolVersion, type RedundancyTarget, type Request, type Response
} from '../src/index.js'

const id = fc.integer({ min: 0, max: MAX_REQUEST_ID })
export const cidArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(chunkCid)
const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: min, maxLength: max })
const time = fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.constant(Number.MAX_SAFE_INTEGER))

const leaseArb: fc.Arbitrary<Lease> = fc.record({ owner: bytes(1, 64), expires: time, signature: bytes(SIGNATURE_BYTES, SIGNATURE_BYTES) })
const chainArb: fc.Arbitrary<ChainLink[]> = fc.array(fc.record({ peer: bytes(1, 64), addresses: fc.array(bytes(0, 40), { maxLength: 3 }) }), { maxLength: 3 })

/** A target for `cid`: replicas, or piece `index` of a stripe whose pieces include it there. */
function targetArb (cid: CID): fc.Arbitrary<RedundancyTarget> {
  const replicate = fc.record({ scheme: fc.constant('replicate' as const), replicas: fc.integer({ min: 1, max: MAX_TARGET_REPLICAS }) })
  const erasure = fc.record({ k: fc.integer({ min: 1, max: 6 }), m: fc.integer({ min: 1, max: 4 }) })
    .chain(({ k, m }) => fc.record({
      index: fc.integer({ min: 0, max: k + m - 1 }),
      pieces: fc.array(cidArb, { minLength: k + m, maxLength: k + m }),
      sizes: fc.array(fc.integer({ min: 0, max: 4 * 1024 * 1024 }), { minLength: k + m, maxLength: k + m })
    }).map(({ index, pieces, sizes }) => {
      pieces[index] = cid
      return { scheme: 'erasure' as const, k, m, index, pieces, sizes }
    }))
  return fc.oneof(replicate, erasure)
}

export function requestArb (version: ProtocolVersion): fc.Arbitrary<Request> {
  const common = [
    fc.record({ type: fc.constant('get' as const), id, cid: cidArb }),
    fc.record({ type: fc.constant('has' as const), id, cids: fc.array(cidArb, { maxLength: 12 }) }),
    fc.record({ type: fc.constant('audit' as const), id, cid: cidArb, nonce: bytes(NONCE_BYTES, NONCE_BYTES) })
  ]
  if (version === PROTOCOL_VERSION) {
    return fc.oneof(fc.record({ type: fc.constant('put' as const), id, cid: cidArb, bytes: bytes(0, 300) }), ...common)
  }
  const put = cidArb.chain(cid => fc.record({
    type: fc.constant('put' as const),
    id,
    cid: fc.constant(cid),
    bytes: bytes(0, 300),
    target: targetArb(cid),
    leases: fc.array(leaseArb, { minLength: 1, maxLength: 3 }),
    chain: fc.option(chainArb, { nil: undefined })
  }, { requiredKeys: ['type', 'id', 'cid', 'bytes', 'target', 'leases'] }))
  return fc.oneof(
    put,
    ...common,
    fc.record({ type: fc.constant('renew' as const), id, cid: cidArb, lease: leaseArb }),
    fc.record({ type: fc.constant('drop' as const), id, cid: cidArb, owner: bytes(1, 64), at: time, signature: bytes(SIGNATURE_BYTES, SIGNATURE_BYTES) })
  )
}

export function responseArb (version: ProtocolVersion): fc.Arbitrary<Response> {
  const receipts = fc.array(fc.record({ peer: bytes(1, 64), signature: bytes(SIGNATURE_BYTES, SIGNATURE_BYTES) }), { maxLength: 3 })
  const ok = version === PROTOCOL_VERSION_2
    ? fc.record({ type: fc.constant('ok' as const), id, stored: fc.boolean(), receipts }, { requiredKeys: ['type', 'id'] })
    : fc.record({ type: fc.constant('ok' as const), id, stored: fc.boolean() }, { requiredKeys: ['type', 'id'] })
  return fc.oneof(
    ok,
    fc.record({ type: fc.constant('data' as const), id, bytes: bytes(0, 300) }),
    fc.record({ type: fc.constant('have' as const), id, bitmap: bytes(0, 512) }),
    fc.record({ type: fc.constant('proof' as const), id, digest: bytes(PROOF_BYTES, PROOF_BYTES) }),
    fc.record({
      type: fc.constant('err' as const),
      id,
      code: fc.constantFrom(...WIRE_ERROR_CODES, 'UNKNOWN' as const),
      message: fc.string({ maxLength: MAX_ERROR_MESSAGE_BYTES / 4, unit: 'binary' })
    })
  )
}

/** CIDs as strings and bytes as hex, so that a Buffer view and a Uint8Array of the same bytes compare equal. */
export function plain (value: unknown): unknown {
  const cid = CID.asCID(value)
  if (cid !== null) return `cid:${cid.toString()}`
  if (value instanceof Uint8Array) return `hex:${Buffer.from(value).toString('hex')}`
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]))
  }
  return value
}
