// fast-check properties over the erasure code (docs/fuzzing.md): any k of a stripe's
// k + m pieces give back the rest exactly (its codec round trip), and the shapes, sizes
// and pieces a hostile manifest or peer could hand it end in pieces or a typed error.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { fuzzParameters, typedOutcome } from '@shoal/fuzz'
import { encodeParity, InvalidStripeError, NotEnoughPiecesError, rebuildPieces } from '../src/index.js'

const CODES = [new InvalidStripeError('k', '').code, new NotEnoughPiecesError(0, 1, 1).code]

const stripe = fc.record({ k: fc.integer({ min: 1, max: 8 }), m: fc.integer({ min: 1, max: 4 }) })
  .chain(({ k, m }) => fc.record({
    m: fc.constant(m),
    data: fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: k, maxLength: k }),
    // which pieces are lost: at most m
    lost: fc.uniqueArray(fc.nat({ max: k + m - 1 }), { maxLength: m })
  }))

test('any k of k + m pieces rebuild every lost one exactly', () => {
  fc.assert(fc.property(stripe, ({ data, m, lost }) => {
    const k = data.length
    const parity = encodeParity(data, m)
    const longest = Math.max(...data.map(piece => piece.length))
    const all = [...data, ...parity]
    const sizes = all.map((piece, i) => i < k ? piece.length : longest)
    const pieces = all.map((piece, i) => lost.includes(i) ? null : piece)
    const rebuilt = rebuildPieces(pieces, sizes, k, lost)
    lost.forEach((index, at) => assert.equal(Uint8Array.from(rebuilt[at]), Uint8Array.from(all[index])))
  }), fuzzParameters())
})

test('hostile shapes, sizes, pieces and indexes give pieces or a typed error', () => {
  const piece = fc.option(fc.uint8Array({ maxLength: 16 }), { nil: null })
  const size = fc.oneof(fc.nat({ max: 16 }), fc.constantFrom(-1, 1.5, Number.NaN, 2 ** 40))
  const args = fc.record({
    pieces: fc.array(piece, { maxLength: 12 }),
    sizes: fc.array(size, { maxLength: 12 }),
    k: fc.oneof(fc.integer({ min: -1, max: 12 }), fc.constantFrom(0.5, Number.NaN, 300)),
    wanted: fc.array(fc.oneof(fc.integer({ min: -1, max: 12 }), fc.constant(1.5)), { maxLength: 4 })
  })
  fc.assert(fc.property(args, ({ pieces, sizes, k, wanted }) => {
    const result = typedOutcome(() => rebuildPieces(pieces, sizes, k, wanted), CODES)
    if (result.ok) result.value.forEach((out, at) => assert.is(out.length, sizes[wanted[at]]))
  }), fuzzParameters())
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 16 }), { maxLength: 8 }), fc.oneof(fc.integer({ min: -1, max: 300 }), fc.constant(1.5)), (data, m) => {
    typedOutcome(() => encodeParity(data, m), CODES)
  }), fuzzParameters())
})

test.run()
