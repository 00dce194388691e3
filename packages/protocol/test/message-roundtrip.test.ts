// Every request and response type survives encode -> decode, deterministically.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decode } from 'cborg'
import {
  decodeRequest, decodeResponse, encodeRequest, encodeResponse, encodeRequestFrame, encodeResponseFrame, encodeFrame,
  MAX_CHUNK_BYTES, MAX_HAS_CIDS
} from '../src/index.js'
import type { Request, Response } from '../src/index.js'
import { prng, sampleCid } from './helpers.js'

const rng = prng(7)

/** Messages compared with CIDs as text and bytes as hex. */
function plain (value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex')
    if (v?.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data).toString('hex') // a Buffer's toJSON runs first
    if (v !== null && typeof v === 'object' && 'multihash' in v && '/' in v) return `cid:${String(v)}`
    return v
  }))
}

const requests: Request[] = [
  { type: 'put', id: 0, cid: sampleCid(1), bytes: rng.bytes(1000) },
  { type: 'put', id: 0xffff_ffff, cid: sampleCid(2), bytes: new Uint8Array(0) },
  { type: 'put', id: 3, cid: sampleCid(3), bytes: rng.bytes(MAX_CHUNK_BYTES) },
  { type: 'get', id: 4, cid: sampleCid(4) },
  { type: 'has', id: 5, cids: [] },
  { type: 'has', id: 6, cids: Array.from({ length: MAX_HAS_CIDS }, (_, i) => sampleCid(i)) },
  { type: 'audit', id: 7, cid: sampleCid(7), nonce: rng.bytes(32) }
]

const responses: Response[] = [
  { type: 'ok', id: 1 },
  { type: 'ok', id: 2, stored: true },
  { type: 'ok', id: 3, stored: false },
  { type: 'data', id: 4, bytes: rng.bytes(MAX_CHUNK_BYTES) },
  { type: 'data', id: 5, bytes: new Uint8Array(0) },
  { type: 'have', id: 6, bitmap: Uint8Array.of(0b101) },
  { type: 'have', id: 7, bitmap: new Uint8Array(512) },
  { type: 'proof', id: 8, digest: rng.bytes(32) },
  ...(['NOT_FOUND', 'NO_SPACE', 'INTEGRITY', 'TOO_LARGE', 'BAD_REQUEST', 'RATE_LIMITED', 'UNKNOWN'] as const)
    .map((code, i): Response => ({ type: 'err', id: 9 + i, code, message: `failed: ${code} ✓` }))
]

test('every request type round-trips', () => {
  for (const request of requests) {
    const bytes = encodeRequest(request)
    assert.equal(plain(decodeRequest(bytes)), plain(request), request.type)
    assert.equal(encodeRequest(decodeRequest(bytes)), bytes, 'deterministic')
  }
})

test('every response type round-trips', () => {
  for (const response of responses) {
    const bytes = encodeResponse(response)
    assert.equal(plain(decodeResponse(bytes)), plain(response), response.type)
    assert.equal(encodeResponse(decodeResponse(bytes)), bytes, 'deterministic')
  }
})

test('the wire record: v, t, id and CIDs as 36 bytes; unset stored is left out', () => {
  const record = decode(encodeRequest({ type: 'get', id: 9, cid: sampleCid(9) })) as Record<string, unknown>
  assert.equal(Object.keys(record).sort(), ['cid', 'id', 't', 'v'])
  assert.is(record.v, 1)
  assert.is(record.t, 'get')
  assert.is(record.id, 9)
  assert.equal(record.cid, sampleCid(9).bytes)
  assert.equal(Object.keys(decode(encodeResponse({ type: 'ok', id: 1 })) as object).sort(), ['id', 't', 'v'])
})

test('extra properties on a message object are not written', () => {
  const withExtra = { type: 'get', id: 1, cid: sampleCid(1), secret: 'x' } as unknown as Request
  assert.not.ok(Object.hasOwn(decode(encodeRequest(withExtra)) as object, 'secret'))
})

test('frame pieces (chunk bytes not copied) are the same bytes as encodeFrame of the message', () => {
  const sizes = [0, 1, 23, 24, 255, 256, 65535, 65536, 1 << 20, MAX_CHUNK_BYTES]
  const join = (pieces: Uint8Array[]): Buffer => Buffer.concat(pieces)
  for (const request of [...requests, ...sizes.map((n, i): Request => ({ type: 'put', id: 100 + i, cid: sampleCid(i), bytes: rng.bytes(n) }))]) {
    const pieces = encodeRequestFrame(request)
    assert.is(Buffer.compare(join(pieces), Buffer.from(encodeFrame(encodeRequest(request)))), 0, `${request.type} ${request.id}`)
    if (request.type === 'put' && request.bytes.length > 0) assert.ok(pieces[pieces.length - 1] === request.bytes, 'the chunk is sent as is')
  }
  for (const response of [...responses, ...sizes.map((n, i): Response => ({ type: 'data', id: 100 + i, bytes: rng.bytes(n) }))]) {
    assert.is(Buffer.compare(join(encodeResponseFrame(response)), Buffer.from(encodeFrame(encodeResponse(response)))), 0, `${response.type} ${response.id}`)
  }
})

test('a PUT of a max-size chunk fits in one frame', async () => {
  const { MAX_FRAME_BYTES } = await import('../src/index.js')
  assert.ok(encodeRequest(requests[2]).length <= MAX_FRAME_BYTES)
  assert.ok(encodeResponse(responses[3]).length <= MAX_FRAME_BYTES)
})

test.run()
