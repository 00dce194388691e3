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
  MAX_CHUNK_BYTES, MAX_ERROR_MESSAGE_BYTES, MAX_HAS_CIDS, NONCE_BYTES, PROOF_BYTES, PROTOCOL_VERSION
} from './limits.js'
import type { Request, Response } from './types.js'

const MAX_BITMAP_BYTES = Math.ceil(MAX_HAS_CIDS / 8)
const MAX_CODE_BYTES = 64

type Loose = Record<string, unknown>

function parseRequest (type: string, id: number, r: FieldReader): Request {
  switch (type) {
    case 'put': return { type, id, cid: r.cid('cid'), bytes: r.bytes('bytes', 0, MAX_CHUNK_BYTES) }
    case 'get': return { type, id, cid: r.cid('cid') }
    case 'has': return { type, id, cids: r.cids('cids', MAX_HAS_CIDS) }
    case 'audit': return { type, id, cid: r.cid('cid'), nonce: r.bytes('nonce', NONCE_BYTES, NONCE_BYTES) }
    default: return r.fail(`unknown request type ${quote(type)}`)
  }
}

function parseResponse (type: string, id: number, r: FieldReader): Response {
  switch (type) {
    case 'ok': {
      const stored = r.boolean('stored')
      return stored === undefined ? { type, id } : { type, id, stored }
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

export function decodeRequest (bytes: Uint8Array): Request {
  const { reader, type, id } = readEnvelope(bytes)
  return parseRequest(type, id, reader)
}

export function decodeResponse (bytes: Uint8Array): Response {
  const { reader, type, id } = readEnvelope(bytes)
  return parseResponse(type, id, reader)
}

export function encodeRequest (request: Request): Uint8Array {
  const record = toRecord(request, ['cid', 'bytes', 'cids', 'nonce'])
  const { reader, type, id } = envelopeOf(record)
  parseRequest(type, id, reader)
  return encodeCbor(record)
}

export function encodeResponse (response: Response): Uint8Array {
  const record = toRecord(response, ['stored', 'bytes', 'bitmap', 'digest', 'code', 'message'])
  const { reader, type, id } = envelopeOf(record)
  parseResponse(type, id, reader)
  return encodeCbor(record)
}

/**
 * A request as frame pieces to send in order: the length prefix and CBOR header in one
 * small piece, and a PUT's chunk bytes as they are, not copied. Same bytes on the wire
 * as encodeFrame(encodeRequest(request)).
 */
export function encodeRequestFrame (request: Request): Uint8Array[] {
  encodeRequest({ ...request, ...(request.type === 'put' ? { bytes: new Uint8Array(0) } : {}) }) // checks the fields
  return framePieces(toRecord(request, ['cid', 'bytes', 'cids', 'nonce']))
}

/** A response as frame pieces; a DATA answer's bytes are not copied. See encodeRequestFrame. */
export function encodeResponseFrame (response: Response): Uint8Array[] {
  encodeResponse({ ...response, ...(response.type === 'data' ? { bytes: new Uint8Array(0) } : {}) })
  return framePieces(toRecord(response, ['stored', 'bytes', 'bitmap', 'digest', 'code', 'message']))
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
function toRecord (message: unknown, names: readonly string[]): unknown {
  if (typeof message !== 'object' || message === null) return message
  const source = message as Loose
  const record: Loose = { v: PROTOCOL_VERSION, t: source.type, id: source.id }
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
