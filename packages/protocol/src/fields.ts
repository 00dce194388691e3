// Reading a decoded message record, field by field, strictly. Every failure is a
// ProtocolError carrying the request id once it is known, so the answer can name it.
import { decodeCbor, decodeChunkCid } from '@shoal/manifest'
import type { CID } from 'multiformats/cid'

import { ProtocolError } from './errors.js'
import { MAX_CBOR_DEPTH, MAX_FRAME_BYTES, MAX_MESSAGE_FIELDS, MAX_REQUEST_ID, PROTOCOL_VERSION, type ProtocolVersion } from './limits.js'

type Record_ = Record<string, unknown>

export class FieldReader {
  /** `prefix`: where a nested map sits in the message (`leases[0].`), for error messages */
  constructor (private readonly fields: Record_, readonly id: number | undefined, private readonly prefix = '') {}

  fail (reason: string, wireCode: 'BAD_REQUEST' | 'TOO_LARGE' = 'BAD_REQUEST'): never {
    throw new ProtocolError(wireCode, reason, this.id)
  }

  has (name: string): boolean {
    return Object.hasOwn(this.fields, name)
  }

  private get (name: string): unknown {
    if (!this.has(name)) this.fail(`missing field ${this.prefix}${name}`)
    return this.fields[name]
  }

  /** A whole number from 0 to `max`. */
  uint (name: string, max: number): number {
    const value = this.get(name)
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) this.fail(`${this.prefix}${name} must be a whole number from 0 to ${max}`)
    return value
  }

  /** A nested map, read with the same rules. */
  record (name: string): FieldReader {
    return this.nested(`${this.prefix}${name}`, this.get(name))
  }

  /** An array of at most `max` nested maps. */
  records (name: string, max: number): FieldReader[] {
    const value = this.get(name)
    if (!Array.isArray(value)) this.fail(`${this.prefix}${name} must be an array`)
    if (value.length > max) this.fail(`${this.prefix}${name} holds ${value.length} entries, more than ${max}`, 'TOO_LARGE')
    return value.map((item, i) => this.nested(`${this.prefix}${name}[${i}]`, item))
  }

  /** An array of at most `max` byte strings of at most `maxBytes` each. */
  byteStrings (name: string, max: number, maxBytes: number): Uint8Array[] {
    const value = this.get(name)
    if (!Array.isArray(value)) this.fail(`${this.prefix}${name} must be an array`)
    if (value.length > max) this.fail(`${this.prefix}${name} holds ${value.length} entries, more than ${max}`, 'TOO_LARGE')
    return value.map((item, i) => {
      if (!(item instanceof Uint8Array) || item.length > maxBytes) this.fail(`${this.prefix}${name}[${i}] must be a byte string of at most ${maxBytes} bytes`)
      return item
    })
  }

  private nested (path: string, value: unknown): FieldReader {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) this.fail(`${path} must be a map`)
    return new FieldReader(value as Record_, this.id, `${path}.`)
  }

  bytes (name: string, min: number, max: number): Uint8Array {
    const value = this.get(name)
    if (!(value instanceof Uint8Array)) this.fail(`${name} must be a byte string`)
    if (value.length > max) this.fail(`${this.prefix}${name} is ${value.length} bytes, more than ${max}`, max === min ? 'BAD_REQUEST' : 'TOO_LARGE')
    if (value.length < min) this.fail(`${this.prefix}${name} is ${value.length} bytes, ${min === max ? 'expected' : 'at least'} ${min}`)
    return value
  }

  cid (name: string): CID {
    return this.toCid(name, this.get(name))
  }

  cids (name: string, max: number): CID[] {
    const value = this.get(name)
    if (!Array.isArray(value)) this.fail(`${name} must be an array of CIDs`)
    if (value.length > max) this.fail(`${name} holds ${value.length} CIDs, more than ${max}`, 'TOO_LARGE')
    return value.map((item, i) => this.toCid(`${name}[${i}]`, item))
  }

  /** An array of at most `max` whole numbers, each at most `maxValue`. */
  uints (name: string, max: number, maxValue: number): number[] {
    const value = this.get(name)
    if (!Array.isArray(value)) this.fail(`${this.prefix}${name} must be an array`)
    if (value.length > max) this.fail(`${this.prefix}${name} holds ${value.length} entries, more than ${max}`, 'TOO_LARGE')
    return value.map((item, i) => {
      if (typeof item !== 'number' || !Number.isInteger(item) || item < 0 || item > maxValue) this.fail(`${this.prefix}${name}[${i}] must be a whole number from 0 to ${maxValue}`)
      return item
    })
  }

  boolean (name: string): boolean | undefined {
    if (!this.has(name)) return undefined
    const value = this.fields[name]
    if (typeof value !== 'boolean') this.fail(`${name} must be a boolean`)
    return value
  }

  text (name: string, maxBytes: number): string {
    const value = this.get(name)
    if (typeof value !== 'string') this.fail(`${name} must be text`)
    const size = Buffer.byteLength(value, 'utf8')
    if (size > maxBytes) this.fail(`${name} is ${size} bytes, more than ${maxBytes}`)
    return value
  }

  private toCid (name: string, value: unknown): CID {
    if (!(value instanceof Uint8Array)) this.fail(`${name} must be CID bytes`)
    try {
      return decodeChunkCid(value)
    } catch (err) {
      this.fail(`${name} is not a chunk CID: ${(err as Error).message}`)
    }
  }
}

export function isUint32 (value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_REQUEST_ID
}

/** Bytes -> the envelope every message shares: a map with `v` (which must be `version`), `id` and `t`. */
export function readEnvelope (bytes: unknown, version: ProtocolVersion = PROTOCOL_VERSION): { reader: FieldReader, type: string, id: number } {
  if (!(bytes instanceof Uint8Array)) throw new ProtocolError('BAD_REQUEST', 'message must be bytes')
  if (bytes.length === 0) throw new ProtocolError('BAD_REQUEST', 'empty message')
  if (bytes.length > MAX_FRAME_BYTES) throw new ProtocolError('TOO_LARGE', `message of ${bytes.length} bytes exceeds the ${MAX_FRAME_BYTES} byte maximum`)
  let value: unknown
  try {
    // over a Buffer, cborg returns byte strings as views of the message, not copies
    value = decodeCbor(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), MAX_CBOR_DEPTH)
  } catch (err) {
    const reason = String((err as Error)?.message ?? err).replace(/^CBOR decode error: /, '')
    throw new ProtocolError('BAD_REQUEST', `not a valid CBOR message: ${reason}`)
  }
  return envelopeOf(value, version)
}

export function envelopeOf (value: unknown, version: ProtocolVersion = PROTOCOL_VERSION): { reader: FieldReader, type: string, id: number } {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new ProtocolError('BAD_REQUEST', 'message must be a CBOR map')
  }
  const record = value as Record_
  const fields = Object.keys(record).length
  const rawId = Object.hasOwn(record, 'id') ? record.id : undefined
  const reader = new FieldReader(record, isUint32(rawId) ? rawId : undefined)
  if (fields > MAX_MESSAGE_FIELDS) reader.fail(`message has ${fields} fields, more than ${MAX_MESSAGE_FIELDS}`)
  if (!reader.has('v')) reader.fail('missing field v (message version)')
  if (record.v !== version) {
    const shown = typeof record.v === 'number' ? String(record.v) : typeof record.v
    reader.fail(`unsupported message version ${shown} (this stream speaks ${version})`)
  }
  const id = reader.id
  if (id === undefined) return reader.fail(rawId === undefined ? 'missing field id' : `id must be an integer from 0 to ${MAX_REQUEST_ID}`)
  if (!reader.has('t')) reader.fail('missing field t (message type)')
  const type = record.t
  if (typeof type !== 'string') return reader.fail('t (message type) must be text')
  return { reader, type, id }
}

/** A peer's type string, safe to quote in an error. */
export function quote (text: string): string {
  return JSON.stringify(text.length > 32 ? text.slice(0, 32) + '…' : text)
}
