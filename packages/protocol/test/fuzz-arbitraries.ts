// Valid requests and responses of both message versions, for the round-trip and
// mutation properties.
import fc from 'fast-check'
import { chunkCid } from '@shoal/manifest'
import { leaseFieldsArb, targetArb, timeArb } from '@shoal/fuzz'
import type { CID } from 'multiformats/cid'
import {
  MAX_ERROR_MESSAGE_BYTES, MAX_REQUEST_ID, NONCE_BYTES, PROOF_BYTES, PROTOCOL_VERSION, PROTOCOL_VERSION_2, SIGNATURE_BYTES,
  WIRE_ERROR_CODES, type ChainLink, type Lease, type ProtocolVersion, type RedundancyTarget, type Request, type Response
} from '../src/index.js'

const id = fc.integer({ min: 0, max: MAX_REQUEST_ID })
export const cidArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(chunkCid)
const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: min, maxLength: max })
const time = timeArb
const leaseArb: fc.Arbitrary<Lease> = leaseFieldsArb
const chainArb: fc.Arbitrary<ChainLink[]> = fc.array(fc.record({ peer: bytes(1, 64), addresses: fc.array(bytes(0, 40), { maxLength: 3 }) }), { maxLength: 3 })
const targetFor = (cid: CID): fc.Arbitrary<RedundancyTarget> => targetArb(cidArb, cid)

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
    target: targetFor(cid),
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
