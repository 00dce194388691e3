import { gfInverse, gfMul, gfPow } from './galois.js'

/** A matrix over GF(2^8): rows of bytes. */
export type Matrix = Uint8Array[]

/**
 * The (k + m) x k generator of the systematic code: a Vandermonde matrix V[r][c] = r^c
 * times the inverse of its top k x k square, so the top k rows are the identity (data
 * pieces are stored as they are) and rows k.. make the parity. Any k rows of V are
 * invertible (a Vandermonde matrix on distinct points 0..k+m-1, which needs k + m <= 256),
 * and multiplying by an invertible matrix keeps that: any k pieces rebuild the stripe.
 * Same construction as Backblaze's JavaReedSolomon and the reed-solomon-erasure crate.
 */
export function generatorMatrix (k: number, m: number): Matrix {
  const vandermonde: Matrix = []
  for (let r = 0; r < k + m; r++) {
    const row = new Uint8Array(k)
    for (let c = 0; c < k; c++) row[c] = gfPow(r, c)
    vandermonde.push(row)
  }
  return multiply(vandermonde, invert(vandermonde.slice(0, k)))
}

export function multiply (a: Matrix, b: Matrix): Matrix {
  const inner = b.length
  const columns = b[0]?.length ?? 0
  return a.map(row => {
    const out = new Uint8Array(columns)
    for (let i = 0; i < inner; i++) {
      const coefficient = row[i]
      if (coefficient === 0) continue
      const other = b[i]
      for (let c = 0; c < columns; c++) out[c] ^= gfMul(coefficient, other[c])
    }
    return out
  })
}

/** The inverse of a square matrix by Gauss-Jordan elimination; throws if it is singular. */
export function invert (square: Matrix): Matrix {
  const n = square.length
  const left = square.map(row => Uint8Array.from(row))
  const right = square.map((_, r) => { const row = new Uint8Array(n); row[r] = 1; return row })
  for (let col = 0; col < n; col++) {
    let pivot = col
    while (pivot < n && left[pivot][col] === 0) pivot++
    if (pivot === n) throw new RangeError('singular matrix')
    if (pivot !== col) {
      [left[pivot], left[col]] = [left[col], left[pivot]];
      [right[pivot], right[col]] = [right[col], right[pivot]]
    }
    const scale = gfInverse(left[col][col])
    scaleRow(left[col], scale)
    scaleRow(right[col], scale)
    for (let r = 0; r < n; r++) {
      const factor = left[r][col]
      if (r === col || factor === 0) continue
      addScaledRow(left[r], left[col], factor)
      addScaledRow(right[r], right[col], factor)
    }
  }
  return right
}

function scaleRow (row: Uint8Array, scale: number): void {
  for (let c = 0; c < row.length; c++) row[c] = gfMul(row[c], scale)
}

function addScaledRow (target: Uint8Array, source: Uint8Array, factor: number): void {
  for (let c = 0; c < target.length; c++) target[c] ^= gfMul(factor, source[c])
}
