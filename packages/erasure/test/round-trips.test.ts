// Whatever up to m pieces are lost, rebuildPieces gives back exactly the lost bytes;
// with m + 1 lost it says so, with the counts.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { NotEnoughPiecesError } from '../src/errors.js'
import { rebuildPieces } from '../src/rebuild.js'
import { hex, makeStripe, prng, randomSubset, subsets, type Stripe } from './helpers.js'

function loseAndRebuild (stripe: Stripe, lost: number[]): void {
  const held = stripe.pieces.map((piece, i) => lost.includes(i) ? null : piece)
  const rebuilt = rebuildPieces(held, stripe.sizes, stripe.k, lost)
  assert.equal(rebuilt.map(hex), lost.map(i => hex(stripe.pieces[i])), `${stripe.k}+${stripe.m} lost ${lost.join(',')}`)
}

// Small stripes: every set of up to m lost pieces (10+4: 1471 sets; 17+3: 1351).
for (const [k, m, longest] of [[1, 1, 300], [4, 2, 1000], [10, 4, 200], [17, 3, 150]]) {
  test(`${k}+${m}: every way of losing up to ${m} pieces rebuilds them exactly`, () => {
    const stripe = makeStripe(k, m, longest, prng(k * 100 + m))
    let sets = 0
    for (let count = 0; count <= m; count++) {
      for (const lost of subsets(k + m, count)) {
        loseAndRebuild(stripe, lost)
        sets++
      }
    }
    assert.ok(sets > k + m)
  })
}

test('200+56: random sets of 56, 30 and 1 lost pieces rebuild exactly', () => {
  const next = prng(20056)
  const stripe = makeStripe(200, 56, 3000, next)
  for (const count of [56, 56, 56, 30, 1]) loseAndRebuild(stripe, randomSubset(256, count, next))
})

test('pieces around and above a wasm block (64 KiB), of unequal lengths, 4+2 and 10+4', () => {
  const next = prng(65536)
  for (const [k, m, longest] of [[4, 2, 65536 + 17], [10, 4, 3 * 65536 + 31], [4, 2, 65535]]) {
    const stripe = makeStripe(k, m, longest, next)
    for (let round = 0; round < 4; round++) loseAndRebuild(stripe, randomSubset(k + m, m, next))
  }
})

test('wanted may name present pieces (returned as they are), repeat an index, and come in any order', () => {
  const stripe = makeStripe(4, 2, 500, prng(7))
  const held = stripe.pieces.map((piece, i) => i === 1 || i === 4 ? null : piece)
  const wanted = [4, 0, 1, 4, 5]
  const rebuilt = rebuildPieces(held, stripe.sizes, 4, wanted)
  assert.equal(rebuilt.map(hex), wanted.map(i => hex(stripe.pieces[i])))
  assert.is(rebuilt[1], stripe.pieces[0])
})

test('a stripe of empty pieces, and one whose data pieces are all shorter than its last', () => {
  const empty = [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)]
  assert.equal(rebuildPieces([null, empty[1], empty[2]], [0, 0, 0], 2, [0]).map(p => p.length), [0])
  const stripe = makeStripe(5, 2, 1, prng(1))
  loseAndRebuild(stripe, [0, 1])
})

for (const [k, m] of [[1, 1], [4, 2], [10, 4], [17, 3], [200, 56]]) {
  test(`${k}+${m}: losing ${m + 1} pieces throws NotEnoughPiecesError with the counts`, () => {
    const next = prng(k + m)
    const stripe = makeStripe(k, m, 64, next)
    for (let round = 0; round < 3; round++) {
      const lost = randomSubset(k + m, m + 1, next)
      const held = stripe.pieces.map((piece, i) => lost.includes(i) ? null : piece)
      try {
        rebuildPieces(held, stripe.sizes, k, [lost[0]])
        assert.unreachable('rebuilt from too few pieces')
      } catch (err) {
        assert.instance(err, NotEnoughPiecesError)
        const error = err as NotEnoughPiecesError
        assert.is(error.code, 'ERR_NOT_ENOUGH_PIECES')
        assert.equal([error.present, error.needed, error.total], [k - 1, k, k + m])
      }
    }
  })
}

test.run()
