// Malformed messages are ProtocolError (BAD_REQUEST, or TOO_LARGE for limits), never
// another error type, and name the request id when it could be read.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { encode } from 'cborg'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import {
  decodeRequest, decodeResponse, encodeRequest, encodeResponse, MAX_CHUNK_BYTES, MAX_FRAME_BYTES,
  MAX_HAS_CIDS
} from '../src/index.js'
import type { Request, Response } from '../src/index.js'
import { prng, sampleCid, throwsProtocol } from './helpers.js'

const cid = sampleCid(1).bytes
const get = { v: 1, t: 'get', id: 5, cid }

function refused (record: unknown, fragment: string, wireCode: 'BAD_REQUEST' | 'TOO_LARGE' = 'BAD_REQUEST'): void {
  throwsProtocol(() => decodeRequest(encode(record)), wireCode, fragment)
}

test('wrong or missing version is BAD_REQUEST naming the version, with the id', () => {
  const err = throwsProtocol(() => decodeRequest(encode({ ...get, v: 2 })), 'BAD_REQUEST', 'unsupported message version 2')
  assert.is(err.id, 5)
  refused({ ...get, v: '1' }, 'unsupported message version string')
  const { v: _, ...noVersion } = get
  refused(noVersion, 'missing field v')
  throwsProtocol(() => decodeResponse(encode({ v: 0, t: 'ok', id: 1 })), 'BAD_REQUEST', 'unsupported message version 0')
})

test('unknown types, and responses where requests belong (and back)', () => {
  refused({ ...get, t: 'delete' }, 'unknown request type "delete"')
  refused({ ...get, t: 'ok' }, 'unknown request type "ok"')
  throwsProtocol(() => decodeResponse(encode(get)), 'BAD_REQUEST', 'unknown response type "get"')
  refused({ ...get, t: 'x'.repeat(10_000) }, '…"')
  refused({ ...get, t: 3 }, 't (message type) must be text')
})

test('ids: missing, negative, fractional, over u32, wrong type', () => {
  const { id: _, ...noId } = get
  refused(noId, 'missing field id')
  for (const id of [-1, 1.5, 2 ** 32, '5', null]) {
    assert.is(throwsProtocol(() => decodeRequest(encode({ ...get, id })), 'BAD_REQUEST', 'id must be').id, undefined)
  }
})

test('missing and wrong-typed fields', () => {
  refused({ v: 1, t: 'get', id: 1 }, 'missing field cid')
  refused({ v: 1, t: 'put', id: 1, cid }, 'missing field bytes')
  refused({ v: 1, t: 'put', id: 1, cid, bytes: 'abc' }, 'bytes must be a byte string')
  refused({ v: 1, t: 'has', id: 1, cids: cid }, 'cids must be an array')
  refused({ v: 1, t: 'audit', id: 1, cid, nonce: new Uint8Array(31) }, 'nonce is 31 bytes, expected 32')
  refused({ v: 1, t: 'audit', id: 1, cid, nonce: new Uint8Array(33) }, 'nonce is 33 bytes')
  const resp = (record: unknown, fragment: string): unknown => throwsProtocol(() => decodeResponse(encode(record)), 'BAD_REQUEST', fragment)
  resp({ v: 1, t: 'ok', id: 1, stored: 1 }, 'stored must be a boolean')
  resp({ v: 1, t: 'proof', id: 1, digest: new Uint8Array(31) }, 'digest is 31 bytes')
  resp({ v: 1, t: 'err', id: 1, code: 'NOT_FOUND' }, 'missing field message')
  resp({ v: 1, t: 'err', id: 1, code: 7, message: '' }, 'code must be text')
  resp({ v: 1, t: 'err', id: 1, code: 'NOT_FOUND', message: 'x'.repeat(1025) }, 'message is 1025 bytes')
})

test('unknown fields are tolerated (forward compatibility), but not without bound', () => {
  assert.is(decodeRequest(encode({ ...get, hint: 'newer peer' })).type, 'get')
  const many: Record<string, unknown> = { ...get }
  for (let i = 0; i < 40; i++) many[`x${i}`] = i
  refused(many, 'more than 32')
})

test('an unknown ERR code from a newer peer decodes as UNKNOWN', () => {
  const err = decodeResponse(encode({ v: 1, t: 'err', id: 3, code: 'QUOTA_EXCEEDED', message: 'later' }))
  assert.equal(err, { type: 'err', id: 3, code: 'UNKNOWN', message: 'later' })
})

test('malformed CID bytes', () => {
  const v0 = CID.createV0(Digest.create(0x12, new Uint8Array(32))).bytes
  const dagCbor = CID.createV1(0x71, Digest.create(0x12, new Uint8Array(32))).bytes
  for (const bad of [new Uint8Array(0), cid.subarray(0, 35), Uint8Array.from([...cid, 0]), v0, dagCbor, 'bafy...', 42]) {
    refused({ ...get, cid: bad }, 'cid')
  }
  refused({ v: 1, t: 'has', id: 1, cids: [cid, cid.subarray(1)] }, 'cids[1] is not a chunk CID')
})

test('HAS over the cap, and oversized chunks, are TOO_LARGE', () => {
  refused({ v: 1, t: 'has', id: 1, cids: new Array(MAX_HAS_CIDS + 1).fill(cid) }, `more than ${MAX_HAS_CIDS}`, 'TOO_LARGE')
  refused({ v: 1, t: 'put', id: 1, cid, bytes: new Uint8Array(MAX_CHUNK_BYTES + 1) }, 'bytes is', 'TOO_LARGE')
  throwsProtocol(() => decodeResponse(encode({ v: 1, t: 'have', id: 1, bitmap: new Uint8Array(513) })), 'TOO_LARGE')
  throwsProtocol(() => decodeRequest(new Uint8Array(MAX_FRAME_BYTES + 1)), 'TOO_LARGE')
})

test('garbage CBOR: not a map, tags, indefinite lengths, duplicate keys, deep nesting, trailing bytes', () => {
  const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'))
  throwsProtocol(() => decodeRequest(new Uint8Array(0)), 'BAD_REQUEST', 'empty')
  throwsProtocol(() => decodeRequest(encode([1, 2])), 'BAD_REQUEST', 'must be a CBOR map')
  throwsProtocol(() => decodeRequest(encode(null)), 'BAD_REQUEST', 'must be a CBOR map')
  throwsProtocol(() => decodeRequest(encode(cid)), 'BAD_REQUEST', 'must be a CBOR map')
  throwsProtocol(() => decodeRequest(fromHex('d82a4100')), 'BAD_REQUEST', 'tags') // tag 42
  throwsProtocol(() => decodeRequest(fromHex('bf617601ff')), 'BAD_REQUEST') // indefinite map
  throwsProtocol(() => decodeRequest(fromHex('a2617601617602')), 'BAD_REQUEST') // {v:1, v:2}
  throwsProtocol(() => decodeRequest(fromHex('a1190001f5')), 'BAD_REQUEST') // non-minimal / non-text key
  throwsProtocol(() => decodeRequest(new Uint8Array(100_000).fill(0x81)), 'BAD_REQUEST', 'nested')
  throwsProtocol(() => decodeRequest(fromHex('9affffffff00')), 'BAD_REQUEST') // array of 2^32-1 items
  throwsProtocol(() => decodeRequest(fromHex('7f')), 'BAD_REQUEST')
  throwsProtocol(() => decodeRequest(Uint8Array.from([...encode(get), 0])), 'BAD_REQUEST')
  throwsProtocol(() => decodeRequest(fromHex('a1617462c328')), 'BAD_REQUEST', 'not valid UTF-8') // {t: invalid UTF-8}
  throwsProtocol(() => decodeRequest('a1' as unknown as Uint8Array), 'BAD_REQUEST', 'must be bytes')
})

test('10 KB of random junk is BAD_REQUEST', () => {
  for (let seed = 0; seed < 50; seed++) {
    const junk = prng(seed).bytes(10 * 1024)
    throwsProtocol(() => decodeRequest(junk), 'BAD_REQUEST')
    throwsProtocol(() => decodeResponse(junk), 'BAD_REQUEST')
  }
})

test('encoders refuse what a peer would refuse', () => {
  throwsProtocol(() => encodeRequest({ type: 'audit', id: 1, cid: sampleCid(1), nonce: new Uint8Array(8) }), 'BAD_REQUEST', 'nonce')
  throwsProtocol(() => encodeRequest({ type: 'get', id: -1, cid: sampleCid(1) }), 'BAD_REQUEST', 'id must be')
  const v0 = CID.createV0(Digest.create(0x12, new Uint8Array(32)))
  throwsProtocol(() => encodeRequest({ type: 'get', id: 1, cid: v0 as unknown as ReturnType<typeof sampleCid> }), 'BAD_REQUEST', 'not a chunk CID')
  throwsProtocol(() => encodeRequest({ type: 'nope', id: 1 } as unknown as Request), 'BAD_REQUEST', 'unknown request type')
  throwsProtocol(() => encodeResponse({ type: 'data', id: 1, bytes: new Uint8Array(MAX_CHUNK_BYTES + 1) }), 'TOO_LARGE')
  throwsProtocol(() => encodeResponse(null as unknown as Response), 'BAD_REQUEST')
})

test.run()
