// Version 2 messages (/shoal/chunk/2.0.0): PUTs with a redundancy target and signed leases
// (and the chain reserved for chain replication), RENEW, DROP, OK with receipts. They
// round-trip, keep the chunk as the last field, and are refused on a stream of the other
// version and when malformed.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { encodeCbor } from '@shoal/manifest'
import {
  decodeRequest, decodeResponse, encodeFrame, encodeRequest, encodeRequestFrame, encodeResponse,
  dropSigningBytes, leaseSigningBytes, receiptSigningBytes, MAX_CHAIN_LINKS, MAX_CHUNK_BYTES, MAX_FRAME_BYTES, MAX_LEASES, MAX_PEER_ID_BYTES, MAX_STRIPE_PIECES, PROTOCOL_VERSION_2,
  type Lease, type Request, type Response
} from '../src/index.js'
import { prng, sampleCid, throwsProtocol } from './helpers.js'

const rng = prng(21)
const V2 = PROTOCOL_VERSION_2
const lease = (expires: number): Lease => ({ owner: rng.bytes(38), expires, signature: rng.bytes(64) })
const pieces = Array.from({ length: 6 }, (_, i) => sampleCid(100 + i))

const plain = (value: unknown): string => JSON.stringify(value, (_key, v) => {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex')
  if (v?.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data).toString('hex')
  if (v !== null && typeof v === 'object' && 'multihash' in v && '/' in v) return `cid:${String(v)}`
  return v
})

const requests: Request[] = [
  { type: 'put', id: 1, cid: sampleCid(1), bytes: rng.bytes(1000), target: { scheme: 'replicate', replicas: 3 }, leases: [lease(1_800_000_000_000)] },
  { type: 'put', id: 2, cid: pieces[4], bytes: rng.bytes(10), target: { scheme: 'erasure', k: 4, m: 2, index: 4, pieces, sizes: [10, 10, 7, 3, 10, 10] }, leases: [lease(1), lease(Number.MAX_SAFE_INTEGER)] },
  { type: 'put', id: 3, cid: sampleCid(3), bytes: new Uint8Array(0), target: { scheme: 'replicate', replicas: 1 }, leases: [lease(5)], chain: [{ peer: rng.bytes(38), addresses: [rng.bytes(20), rng.bytes(30)] }] },
  { type: 'renew', id: 4, cid: sampleCid(4), lease: lease(1_900_000_000_000) },
  { type: 'drop', id: 5, cid: sampleCid(5), owner: rng.bytes(38), at: 1_700_000_000_000, signature: rng.bytes(64) },
  { type: 'get', id: 6, cid: sampleCid(6) },
  { type: 'audit', id: 7, cid: sampleCid(7), nonce: rng.bytes(32) }
]

test('every version 2 request round-trips, deterministically', () => {
  for (const request of requests) {
    const bytes = encodeRequest(request, V2)
    assert.is(plain(decodeRequest(bytes, V2)), plain(request), `${request.type} ${request.id}`)
    assert.equal(encodeRequest(decodeRequest(bytes, V2), V2), bytes)
  }
})

test('an OK with receipts round-trips in version 2', () => {
  const ok: Response = { type: 'ok', id: 9, stored: true, receipts: [{ peer: rng.bytes(38), signature: rng.bytes(64) }] }
  assert.is(plain(decodeResponse(encodeResponse(ok, V2), V2)), plain(ok))
})

test('a version 2 PUT still sends its chunk last and uncopied', () => {
  for (const request of requests.filter(r => r.type === 'put')) {
    const pieces = encodeRequestFrame(request, V2)
    assert.is(Buffer.compare(Buffer.concat(pieces), Buffer.from(encodeFrame(encodeRequest(request, V2)))), 0)
    if (request.type === 'put' && request.bytes.length > 0) assert.ok(pieces[pieces.length - 1] === request.bytes)
  }
})

test('a message of one version is refused on a stream of the other, with a reason', () => {
  throwsProtocol(() => decodeRequest(encodeRequest(requests[0], V2)), 'BAD_REQUEST', 'unsupported message version 2 (this stream speaks 1)')
  throwsProtocol(() => decodeRequest(encodeRequest({ type: 'get', id: 1, cid: sampleCid(1) }), V2), 'BAD_REQUEST', 'unsupported message version 1 (this stream speaks 2)')
  // RENEW and DROP do not exist in version 1, even spelled with v: 1
  const renew = encodeCbor({ v: 1, t: 'renew', id: 3, cid: sampleCid(1).bytes })
  throwsProtocol(() => decodeRequest(renew), 'BAD_REQUEST', 'unknown request type "renew"')
})

test('a version 2 PUT without a target or a lease, or with a malformed one, is BAD_REQUEST naming the field', () => {
  const put = (fields: Record<string, unknown>): Uint8Array => encodeCbor({ v: 2, t: 'put', id: 8, cid: pieces[0].bytes, bytes: new Uint8Array(1), ...fields })
  const replicate = { s: 'replicate', r: 3 }
  const oneLease = [{ o: rng.bytes(38), x: 10, g: rng.bytes(64) }]
  throwsProtocol(() => decodeRequest(put({ ls: oneLease }), V2), 'BAD_REQUEST', 'missing field tg')
  throwsProtocol(() => decodeRequest(put({ tg: replicate }), V2), 'BAD_REQUEST', 'missing field ls')
  throwsProtocol(() => decodeRequest(put({ tg: replicate, ls: [] }), V2), 'BAD_REQUEST', 'at least one lease')
  throwsProtocol(() => decodeRequest(put({ tg: { s: 'replicate', r: 0 }, ls: oneLease }), V2), 'BAD_REQUEST', 'at least 1')
  throwsProtocol(() => decodeRequest(put({ tg: { s: 'mirror', r: 2 }, ls: oneLease }), V2), 'BAD_REQUEST', '"replicate" or "erasure"')
  throwsProtocol(() => decodeRequest(put({ tg: replicate, ls: [{ o: rng.bytes(38), x: 10, g: rng.bytes(63) }] }), V2), 'BAD_REQUEST', 'ls[0].g is 63 bytes')
  throwsProtocol(() => decodeRequest(put({ tg: replicate, ls: [{ o: rng.bytes(38), x: -1, g: rng.bytes(64) }] }), V2), 'BAD_REQUEST', 'ls[0].x must be a whole number')
  throwsProtocol(() => decodeRequest(put({ tg: replicate, ls: Array.from({ length: MAX_LEASES + 1 }, () => oneLease[0]) }), V2), 'TOO_LARGE', `more than ${MAX_LEASES}`)
  const stripe = (k: number, m: number, i: number, list: Uint8Array[], z = list.map(() => 1)): Record<string, unknown> => ({ tg: { s: 'erasure', k, m, i, p: list, z }, ls: oneLease })
  throwsProtocol(() => decodeRequest(put(stripe(4, 2, 1, pieces.map(p => p.bytes))), V2), 'BAD_REQUEST', 'target.p[i] is not the chunk')
  throwsProtocol(() => decodeRequest(put(stripe(4, 2, 0, pieces.slice(0, 5).map(p => p.bytes))), V2), 'BAD_REQUEST', 'lists 5 pieces, k + m is 6')
  throwsProtocol(() => decodeRequest(put(stripe(MAX_STRIPE_PIECES, 1, 0, [pieces[0].bytes])), V2), 'BAD_REQUEST', `k + m at most ${MAX_STRIPE_PIECES}`)
  throwsProtocol(() => decodeRequest(put(stripe(4, 2, 0, pieces.map(p => p.bytes), [1, 2, 3])), V2), 'BAD_REQUEST', 'lists 3 sizes, k + m is 6')
  throwsProtocol(() => decodeRequest(put(stripe(4, 2, 0, pieces.map(p => p.bytes), [1, 2, 3, 4, 5, -6])), V2), 'BAD_REQUEST', 'tg.z[5] must be a whole number')
})

test('a PUT of a max-size chunk with every v2 field at its limit still fits in one frame', () => {
  const stripe = Array.from({ length: MAX_STRIPE_PIECES }, (_, i) => sampleCid(1000 + i))
  const request: Request = {
    type: 'put',
    id: 0xffff_ffff,
    cid: stripe[7],
    bytes: new Uint8Array(MAX_CHUNK_BYTES),
    target: { scheme: 'erasure', k: MAX_STRIPE_PIECES - 1, m: 1, index: 7, pieces: stripe, sizes: stripe.map(() => MAX_CHUNK_BYTES) },
    leases: Array.from({ length: MAX_LEASES }, () => ({ owner: rng.bytes(MAX_PEER_ID_BYTES), expires: Number.MAX_SAFE_INTEGER, signature: rng.bytes(64) })),
    chain: Array.from({ length: MAX_CHAIN_LINKS }, () => ({ peer: rng.bytes(MAX_PEER_ID_BYTES), addresses: Array.from({ length: 8 }, () => rng.bytes(256)) }))
  }
  const body = encodeRequest(request, V2)
  assert.ok(body.length <= MAX_FRAME_BYTES, `${body.length - MAX_CHUNK_BYTES} bytes around the chunk`)
  assert.is(decodeRequest(body, V2).type, 'put')
})

test('a stripe lease is one signature for every piece of the stripe, and for nothing else', () => {
  const sizes = [10, 10, 7, 3, 10, 10]
  const piece = (index: number, list = pieces, z = sizes): Uint8Array => leaseSigningBytes(list[index], { scheme: 'erasure', k: 4, m: 2, index, pieces: list, sizes: z }, 1000)
  const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
  assert.is(new Set(pieces.map((_p, i) => hex(piece(i)))).size, 1, 'the same bytes for every piece')
  const other = [...pieces.slice(0, 5), sampleCid(999)]
  assert.is(new Set([hex(piece(0)), hex(piece(0, other)), hex(piece(0, pieces, [10, 10, 7, 3, 10, 9]))]).size, 3, 'another stripe or other sizes: other bytes')
})

test('what is signed changes with every part of it: purpose, chunk, target, time, uploader', () => {
  const cid = sampleCid(1)
  const base = Buffer.from(leaseSigningBytes(cid, { scheme: 'replicate', replicas: 3 }, 1000)).toString('hex')
  const variants = [
    leaseSigningBytes(sampleCid(2), { scheme: 'replicate', replicas: 3 }, 1000),
    leaseSigningBytes(cid, { scheme: 'replicate', replicas: 2 }, 1000),
    leaseSigningBytes(cid, { scheme: 'replicate', replicas: 3 }, 1001),
    dropSigningBytes(cid, 1000),
    receiptSigningBytes(cid, new Uint8Array(38))
  ].map(bytes => Buffer.from(bytes).toString('hex'))
  assert.is(new Set([base, ...variants]).size, 6, 'all different')
  assert.is(Buffer.from(leaseSigningBytes(cid, { scheme: 'replicate', replicas: 3 }, 1000)).toString('hex'), base, 'deterministic')
})

test.run()
