import { checkShape, generator } from './generators.js'
import { combine } from './kernel.js'

/**
 * The m parity pieces of a stripe whose data pieces are `data` (k = data.length). Each
 * data piece counts as padded with zeros to the longest one, L; every parity piece is L
 * bytes. The data pieces are only read.
 */
export function encodeParity (data: Uint8Array[], m: number): Uint8Array[] {
  const k = data.length
  checkShape(k, m)
  const longest = Math.max(...data.map(piece => piece.length))
  const parityRows = generator(k, m).slice(k)
  return combine(data, parityRows, parityRows.map(() => longest))
}
