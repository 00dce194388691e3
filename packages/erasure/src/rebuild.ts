import { InvalidStripeError, NotEnoughPiecesError } from './errors.js'
import { checkShape, generator } from './generators.js'
import { combine } from './kernel.js'
import { invert, multiply } from './matrix.js'

/**
 * The pieces at the indexes `wanted` of a k+m stripe (pieces.length = k + m: data pieces
 * 0..k-1, then parity; null = missing), rebuilt from the first k present pieces, each
 * `sizes[i]` bytes long. sizes holds every piece's size: a data piece's own, and L (the
 * longest data piece's) for each parity piece; a present piece must be exactly its size.
 * A wanted piece that is present is returned as it is (the same array).
 * Throws NotEnoughPiecesError when fewer than k pieces are present, InvalidStripeError
 * (a RangeError) for a bad k, sizes, piece length or index.
 */
export function rebuildPieces (pieces: Array<Uint8Array | null>, sizes: number[], k: number, wanted: number[]): Uint8Array[] {
  const total = pieces.length
  checkShape(k, total - k)
  checkSizes(pieces, sizes, k)
  for (const index of wanted) {
    if (!Number.isInteger(index) || index < 0 || index >= total) {
      throw new InvalidStripeError('wanted', `wanted index ${index} is not a piece of a ${k}+${total - k} stripe`)
    }
  }
  const present = pieces.flatMap((piece, index) => piece === null ? [] : [index])
  if (present.length < k) throw new NotEnoughPiecesError(present.length, k, total)

  const missing = [...new Set(wanted.filter(index => pieces[index] === null))]
  const rebuilt = new Map<number, Uint8Array>()
  if (missing.length > 0) {
    // Data pieces come first in `present`: rows of the identity make the inverse cheap.
    const sources = present.slice(0, k)
    const matrix = generator(k, total - k)
    const decode = invert(sources.map(index => matrix[index]))
    const rows = multiply(missing.map(index => matrix[index]), decode)
    const outputs = combine(sources.map(index => pieces[index] as Uint8Array), rows, missing.map(index => sizes[index]))
    missing.forEach((index, at) => rebuilt.set(index, outputs[at]))
  }
  return wanted.map(index => pieces[index] ?? rebuilt.get(index) as Uint8Array)
}

function checkSizes (pieces: Array<Uint8Array | null>, sizes: number[], k: number): void {
  if (sizes.length !== pieces.length) {
    throw new InvalidStripeError('sizes', `sizes has ${sizes.length} entries for ${pieces.length} pieces`)
  }
  for (const size of sizes) {
    if (!Number.isInteger(size) || size < 0) throw new InvalidStripeError('sizes', `a piece size must be an integer >= 0, got ${size}`)
  }
  const longest = Math.max(...sizes.slice(0, k))
  for (let index = k; index < sizes.length; index++) {
    if (sizes[index] !== longest) {
      throw new InvalidStripeError('sizes', `parity piece ${index} must be ${longest} bytes (the longest data piece), got ${sizes[index]}`)
    }
  }
  pieces.forEach((piece, index) => {
    if (piece !== null && piece.length !== sizes[index]) {
      throw new InvalidStripeError('pieces', `piece ${index} is ${piece.length} bytes, its size is ${sizes[index]}`)
    }
  })
}
