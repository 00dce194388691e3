// The field and the generator: the code is systematic, and any k of its rows (any k
// pieces) are invertible, so any k pieces rebuild the stripe.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { gfInverse, gfMul, gfPow } from '../src/galois.js'
import { generatorMatrix, invert, multiply, type Matrix } from '../src/matrix.js'
import { prng, randomSubset, subsets } from './helpers.js'

/** Carry-less multiply reduced by 0x11d: the definition the tables must agree with. */
function slowMul (a: number, b: number): number {
  let product = 0
  for (let bit = 0; bit < 8; bit++) if (b & (1 << bit)) product ^= a << bit
  for (let bit = 15; bit >= 8; bit--) if (product & (1 << bit)) product ^= 0x11d << (bit - 8)
  return product
}

test('gfMul agrees with carry-less multiplication mod 0x11d on all 65536 pairs', () => {
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) {
      if (gfMul(a, b) !== slowMul(a, b)) assert.unreachable(`${a} * ${b}: ${gfMul(a, b)} != ${slowMul(a, b)}`)
    }
  }
})

test('every non-zero element times its inverse is 1; 0 has no inverse', () => {
  for (let a = 1; a < 256; a++) assert.is(gfMul(a, gfInverse(a)), 1)
  assert.throws(() => gfInverse(0), RangeError)
  assert.is(gfPow(0, 0), 1)
  assert.is(gfPow(2, 8), 0x1d)
})

function identity (n: number): Matrix {
  return Array.from({ length: n }, (_, r) => { const row = new Uint8Array(n); row[r] = 1; return row })
}

function rows (matrix: Matrix): number[][] {
  return matrix.map(row => [...row])
}

test('the generator is systematic: its top k rows are the identity', () => {
  for (const [k, m] of [[1, 1], [4, 2], [10, 4], [17, 3], [200, 56]]) {
    assert.equal(rows(generatorMatrix(k, m).slice(0, k)), rows(identity(k)), `${k}+${m}`)
  }
})

function assertInvertible (matrix: Matrix, chosen: number[], label: string): void {
  const square = chosen.map(index => matrix[index])
  let inverse: Matrix
  try {
    inverse = invert(square)
  } catch {
    assert.unreachable(`${label}: rows ${chosen.join(',')} are singular`)
    return
  }
  assert.equal(rows(multiply(square, inverse)), rows(identity(chosen.length)), `${label}: rows ${chosen.join(',')}`)
}

for (const [k, m] of [[1, 1], [4, 2], [10, 4], [17, 3]]) {
  test(`${k}+${m}: every ${k} x ${k} choice of rows is invertible`, () => {
    const matrix = generatorMatrix(k, m)
    for (const chosen of subsets(k + m, k)) assertInvertible(matrix, chosen, `${k}+${m}`)
  })
}

test('200+56: random choices of 200 rows are invertible', () => {
  const matrix = generatorMatrix(200, 56)
  const next = prng(200)
  for (let round = 0; round < 4; round++) assertInvertible(matrix, randomSubset(256, 200, next), '200+56')
})

test('invert refuses a singular matrix', () => {
  assert.throws(() => invert([Uint8Array.from([1, 2]), Uint8Array.from([2, 4])]), /singular/)
})

test.run()
