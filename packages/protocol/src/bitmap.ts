// HAVE bitmaps: bit i answers cids[i]. LSB-first within each byte: cids[0] is bit 0
// (value 0x01) of byte 0, cids[8] is bit 0 of byte 1. Length is ceil(count / 8); the
// unused high bits of the last byte are zero.
import { ProtocolError } from './errors.js'

export function packBitmap (held: readonly boolean[]): Uint8Array {
  const bitmap = new Uint8Array(Math.ceil(held.length / 8))
  held.forEach((h, i) => { if (h) bitmap[i >> 3] |= 1 << (i & 7) })
  return bitmap
}

/** The answers for `count` CIDs; ProtocolError (BAD_REQUEST) if the bitmap cannot answer exactly that many. */
export function unpackBitmap (bitmap: Uint8Array, count: number): boolean[] {
  const expected = Math.ceil(count / 8)
  if (bitmap.length !== expected) {
    throw new ProtocolError('BAD_REQUEST', `HAVE bitmap is ${bitmap.length} bytes, expected ${expected} for ${count} CIDs`)
  }
  if (count % 8 !== 0 && (bitmap[expected - 1] >> (count % 8)) !== 0) {
    throw new ProtocolError('BAD_REQUEST', 'HAVE bitmap sets bits past the last CID')
  }
  return Array.from({ length: count }, (_, i) => (bitmap[i >> 3] & (1 << (i & 7))) !== 0)
}
