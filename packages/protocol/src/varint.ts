// Kept, not multiformats' varint: that one accepts non-minimal forms (80 00 for 0), giving a frame two encodings.
// Unsigned LEB128 length prefixes, strict: minimal encodings only, at most 5 bytes.
import { ProtocolError } from './errors.js'
import { MAX_VARINT_BYTES } from './limits.js'

export function varintLength (value: number): number {
  let n = 1
  while (value >= 0x80) { value = Math.floor(value / 128); n++ }
  return n
}

/** Writes `value` (a non-negative safe integer) at `offset`; returns the bytes written. */
export function writeVarint (value: number, into: Uint8Array, offset: number): number {
  let n = 0
  while (value >= 0x80) {
    into[offset + n++] = (value & 0x7f) | 0x80
    value = Math.floor(value / 128)
  }
  into[offset + n++] = value
  return n
}

export type VarintRead = { value: number, bytes: number } | null

/**
 * Reads a varint from bytes supplied by `at(i)` (undefined past the end of what is
 * buffered). Returns null when more bytes are needed; throws ProtocolError (BAD_REQUEST)
 * for a non-minimal or overlong encoding.
 */
export function readVarint (at: (i: number) => number | undefined): VarintRead {
  let value = 0
  let scale = 1
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const byte = at(i)
    if (byte === undefined) return null
    value += (byte & 0x7f) * scale
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw new ProtocolError('BAD_REQUEST', 'frame length prefix is not minimally encoded')
      return { value, bytes: i + 1 }
    }
    scale *= 128
  }
  throw new ProtocolError('BAD_REQUEST', `frame length prefix is longer than ${MAX_VARINT_BYTES} bytes`)
}
