// Requests and responses <-> CBOR message bodies (one per frame).
//
// Every message is a CBOR map { v: 1, t: <type>, id: <u32>, ...fields }; CIDs travel as
// their 36 binary bytes. Fields this build does not know are ignored (bounded by
// MAX_MESSAGE_FIELDS), so a v1 peer may add optional fields without a version bump;
// a change old peers must not misread bumps `v`. Encoders check what they write with
// the same rules the decoders apply, so we never send what a peer would refuse.
import { CID } from 'multiformats/cid'
import { encodeCbor } from '@shoal/manifest'
import { isKnownWireErrorCode, ProtocolError } from './errors.js'
import { encodeFrame } from './frame.js'
import { varintLength, writeVarint } from './varint.js'
import type { WireErrorCode } from './errors.js'
import { envelopeOf, quote, readEnvelope } from './fields.js'
import type { FieldReader } from './fields.js'
import {
  MAX_CHUNK_BYTES, MAX_ERROR_MESSAGE_BYTES, MAX_HAS_CIDS, MAX_PEER_ID_BYTES, NONCE_BYTES, PROOF_BYTES, PROTOCOL_VERSION,
  SIGNATURE_BYTES, type ProtocolVersion
} from './limits.js'
import type { Request, Response } from './types.js'
import {
  chainRecord, leaseRecord, readChain, readLease, readLeases, readReceipts, readTarget, receiptRecord, targetRecord
} from './v2-fields.js'

const MAX_BITMAP_BYTES = Math.ceil(MAX_HAS_CIDS / 8)
const MAX_CODE_BYTES = 64

type Loose = Record<string, unknown>

function parseRequest (type: string, id: number, r: FieldReader, version: ProtocolVersion): Request {
  switch (type) {
    case 'put': {
      const cid = r.cid('cid')
      const bytes = r.bytes('bytes', 0, MAX_CHUNK_BYTES)
      if (version === PROTOCOL_VERSION) return { type, id, cid, bytes }
      const target = readTarget(r.record('tg'), cid)
      const leases = readLeases(r, 'ls')
      return r.has('ch') ? { type, id, cid, bytes, target, leases, chain: readChain(r, 'ch') } : { type, id, cid, bytes, target, leases }
    }
    case 'get': return { type, id, cid: r.cid('cid') }
    case 'has': return { type, id, cids: r.cids('cids', MAX_HAS_CIDS) }
    case 'audit': return { type, id, cid: r.cid('cid'), nonce: r.bytes('nonce', NONCE_BYTES, NONCE_BYTES) }
    case 'renew':
      if (version === PROTOCOL_VERSION) break
      return { type, id, cid: r.cid('cid'), lease: readLease(r.record('ls')) }
    case 'drop':
      if (version === PROTOCOL_VERSION) break
      return { type, id, cid: r.cid('cid'), owner: r.bytes('o', 1, MAX_PEER_ID_BYTES), at: r.uint('at', Number.MAX_SAFE_INTEGER), signature: r.bytes('g', SIGNATURE_BYTES, SIGNATURE_BYTES) }
  }
  return r.fail(`unknown request type ${quote(type)}`)
}

function parseResponse (type: string, id: number, r: FieldReader, version: ProtocolVersion): Response {
  switch (type) {
    case 'ok': {
      const stored = r.boolean('stored')
      const ok: Response = stored === undefined ? { type, id } : { type, id, stored }
      if (version !== PROTOCOL_VERSION && r.has('rc')) ok.receipts = readReceipts(r, 'rc')
      return ok
    }
    case 'data': return { type, id, bytes: r.bytes('bytes', 0, MAX_CHUNK_BYTES) }
    case 'have': return { type, id, bitmap: r.bytes('bitmap', 0, MAX_BITMAP_BYTES) }
    case 'proof': return { type, id, digest: r.bytes('digest', PROOF_BYTES, PROOF_BYTES) }
    case 'err': {
      const code = r.text('code', MAX_CODE_BYTES)
      const wireCode: WireErrorCode = isKnownWireErrorCode(code) ? code : 'UNKNOWN'
      return { type, id, code: wireCode, message: r.text('message', MAX_ERROR_MESSAGE_BYTES) }
    }
    default: return r.fail(`unknown response type ${quote(type)}`)
  }
}

/** `version`: the message schema of the stream it came on (1 for /shoal/chunk/1.0.0, 2 for 2.0.0). */
export function decodeRequest (bytes: Uint8Array, version: ProtocolVersion = PROTOCOL_VERSION): Request {
  const { reader, type, id } = readEnvelope(bytes, version)
  return parseRequest(type, id, reader, version)
}

export function decodeResponse (bytes: Uint8Array, version: ProtocolVersion = PROTOCOL_VERSION): Response {
  const { reader, type, id } = readEnvelope(bytes, version)
  return parseResponse(type, id, reader, version)
}

export function encodeRequest (request: Request, version: ProtocolVersion = PROTOCOL_VERSION): Uint8Array {
  const record = requestRecord(request, version)
  const { reader, type, id } = envelopeOf(record, version)
  parseRequest(type, id, reader, version)
  return encodeCbor(record)
}

export function encodeResponse (response: Response, version: ProtocolVersion = PROTOCOL_VERSION): Uint8Array {
  const record = responseRecord(response, version)
  const { reader, type, id } = envelopeOf(record, version)
  parseResponse(type, id, reader, version)
  return encodeCbor(record)
}

/**
 * A request as frame pieces to send in order: the length prefix and CBOR header in one
 * small piece, and a PUT's chunk bytes as they are, not copied. Same bytes on the wire
 * as encodeFrame(encodeRequest(request)).
 */
export function encodeRequestFrame (request: Request, version: ProtocolVersion = PROTOCOL_VERSION): Uint8Array[] {
  encodeRequest({ ...request, ...(request.type === 'put' ? { bytes: new Uint8Array(0) } : {}) }, version) // checks the fields
  return framePieces(requestRecord(request, version))
}

/** A response as frame pieces; a DATA answer's bytes are not copied. See encodeRequestFrame. */
export function encodeResponseFrame (response: Response, version: ProtocolVersion = PROTOCOL_VERSION): Uint8Array[] {
  encodeResponse({ ...response, ...(response.type === 'data' ? { bytes: new Uint8Array(0) } : {}) }, version)
  return framePieces(responseRecord(response, version))
}

const REQUEST_FIELDS = ['cid', 'bytes', 'cids', 'nonce']
const RESPONSE_FIELDS = ['stored', 'bytes', 'bitmap', 'digest', 'code', 'message']

/** The wire record of a request: v1 fields as they are, v2's structures in their short-keyed shapes. */
function requestRecord (request: Request, version: ProtocolVersion): unknown {
  const record = toRecord(request, REQUEST_FIELDS, version)
  if (version === PROTOCOL_VERSION || typeof record !== 'object' || record === null) return record
  const wire = record as Loose
  if (request.type === 'put') {
    if (request.target !== undefined) wire.tg = targetRecord(request.target)
    if (request.leases !== undefined) wire.ls = request.leases.map(leaseRecord)
    if (request.chain !== undefined) wire.ch = request.chain.map(chainRecord)
  } else if (request.type === 'renew') {
    wire.ls = leaseRecord(request.lease)
  } else if (request.type === 'drop') {
    Object.assign(wire, { o: request.owner, at: request.at, g: request.signature })
  }
  return wire
}

function responseRecord (response: Response, version: ProtocolVersion): unknown {
  const record = toRecord(response, RESPONSE_FIELDS, version)
  if (version !== PROTOCOL_VERSION && response.type === 'ok' && response.receipts !== undefined && typeof record === 'object' && record !== null) {
    (record as Loose).rc = response.receipts.map(receiptRecord)
  }
  return record
}

// `bytes` sorts last among a message's keys in deterministic CBOR (shorter encoded keys
// first), so the record encoded with an empty byte string ends in that string's one-byte
// header (0x40); swapping it for the real header puts the bytes right after it.
function framePieces (record: unknown): Uint8Array[] {
  const bytes = (record as Loose).bytes
  if (!(bytes instanceof Uint8Array)) return [encodeFrame(encodeCbor(record))]
  if (bytes.length > MAX_CHUNK_BYTES) throw new ProtocolError('TOO_LARGE', `chunk of ${bytes.length} bytes exceeds the ${MAX_CHUNK_BYTES} byte maximum`)
  const head = encodeCbor({ ...(record as Loose), bytes: new Uint8Array(0) })
  if (head[head.length - 1] !== 0x40) throw new Error('internal: bytes is not the last field of the message')
  const stringHeader = byteStringHeader(bytes.length)
  const bodyLength = head.length - 1 + stringHeader.length + bytes.length
  const prefix = varintLength(bodyLength)
  const first = new Uint8Array(prefix + head.length - 1 + stringHeader.length)
  writeVarint(bodyLength, first, 0)
  first.set(head.subarray(0, head.length - 1), prefix)
  first.set(stringHeader, prefix + head.length - 1)
  return bytes.length === 0 ? [first] : [first, bytes]
}

function byteStringHeader (length: number): Uint8Array {
  if (length < 24) return Uint8Array.of(0x40 | length)
  if (length < 0x100) return Uint8Array.of(0x58, length)
  if (length < 0x10000) return Uint8Array.of(0x59, length >> 8, length & 0xff)
  return Uint8Array.of(0x5a, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff)
}

/**
 * The wire record of a message: envelope plus the named fields that are set, CIDs as
 * bytes. Anything of the wrong shape passes through for the parser to report.
 */
function toRecord (message: unknown, names: readonly string[], version: ProtocolVersion): unknown {
  if (typeof message !== 'object' || message === null) return message
  const source = message as Loose
  const record: Loose = { v: version, t: source.type, id: source.id }
  for (const name of names) {
    if (source[name] !== undefined) record[name] = source[name]
  }
  if (record.cid !== undefined) record.cid = cidBytes(record.cid)
  if (Array.isArray(record.cids)) record.cids = record.cids.map(cidBytes)
  return record
}

function cidBytes (value: unknown): unknown {
  return CID.asCID(value)?.bytes ?? value
}
