import { InvalidStripeError } from './errors.js'
import { generatorMatrix, type Matrix } from './matrix.js'

/** Most pieces in a stripe: GF(2^8) has 256 distinct evaluation points. */
export const MAX_PIECES = 256

/** Kept generators: a 200+56 one takes ~100 ms to build, and a node sees few shapes. */
const KEPT = 32
const kept = new Map<string, Matrix>()

/** Throws an InvalidStripeError unless 1 <= k, 1 <= m and k + m <= 256. */
export function checkShape (k: number, m: number): void {
  if (!Number.isInteger(k) || k < 1) throw new InvalidStripeError('k', `k must be an integer >= 1, got ${k}`)
  if (!Number.isInteger(m) || m < 1) throw new InvalidStripeError('m', `m must be an integer >= 1, got ${m}`)
  if (k + m > MAX_PIECES) throw new InvalidStripeError('m', `k + m must be at most ${MAX_PIECES}, got ${k}+${m}`)
}

/** The generator of a k+m stripe (see generatorMatrix), built once per shape. */
export function generator (k: number, m: number): Matrix {
  const key = `${k}+${m}`
  let matrix = kept.get(key)
  if (matrix === undefined) {
    matrix = generatorMatrix(k, m)
    if (kept.size >= KEPT) kept.delete(kept.keys().next().value as string)
    kept.set(key, matrix)
  }
  return matrix
}
