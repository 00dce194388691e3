// Bad arguments are refused before any work, with a RangeError that names the argument.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { encodeParity } from '../src/encode.js'
import { InvalidStripeError, type StripeArgument } from '../src/errors.js'
import { rebuildPieces } from '../src/rebuild.js'
import { makeStripe, prng } from './helpers.js'

function assertRefused (call: () => unknown, argument: StripeArgument): void {
  try {
    call()
    assert.unreachable(`accepted a bad ${argument}`)
  } catch (err) {
    assert.instance(err, InvalidStripeError)
    assert.instance(err, RangeError)
    assert.is((err as InvalidStripeError).code, 'ERR_INVALID_STRIPE')
    assert.is((err as InvalidStripeError).argument, argument)
  }
}

const piece = new Uint8Array(8)

test('encodeParity: no data pieces, m below 1 or fractional, more than 256 pieces', () => {
  assertRefused(() => encodeParity([], 2), 'k')
  assertRefused(() => encodeParity([piece], 0), 'm')
  assertRefused(() => encodeParity([piece], 1.5), 'm')
  assertRefused(() => encodeParity([piece], Number.NaN), 'm')
  assertRefused(() => encodeParity(Array.from({ length: 250 }, () => piece), 7), 'm')
  assert.is(encodeParity(Array.from({ length: 250 }, () => piece), 6).length, 6)
})

const stripe = makeStripe(4, 2, 100, prng(4))
const held = stripe.pieces.map((p, i) => i === 0 ? null : p)

test('rebuildPieces: k out of range for the number of pieces', () => {
  assertRefused(() => rebuildPieces(held, stripe.sizes, 0, [0]), 'k')
  assertRefused(() => rebuildPieces(held, stripe.sizes, 6, [0]), 'm')
  assertRefused(() => rebuildPieces(held, stripe.sizes, 2.5, [0]), 'k')
  assertRefused(() => rebuildPieces(Array.from({ length: 257 }, () => null), Array.from({ length: 257 }, () => 0), 200, [0]), 'm')
})

test('rebuildPieces: sizes of the wrong count, negative, or parity not the longest data piece', () => {
  assertRefused(() => rebuildPieces(held, stripe.sizes.slice(1), 4, [0]), 'sizes')
  assertRefused(() => rebuildPieces(held, [-1, ...stripe.sizes.slice(1)], 4, [0]), 'sizes')
  assertRefused(() => rebuildPieces(held, [1.5, ...stripe.sizes.slice(1)], 4, [0]), 'sizes')
  const wrongParity = [...stripe.sizes]
  wrongParity[5] += 1
  assertRefused(() => rebuildPieces(held, wrongParity, 4, [0]), 'sizes')
})

test('rebuildPieces: a present piece whose length is not its size', () => {
  const sizes = [...stripe.sizes]
  sizes[0] = 100
  sizes[1] = stripe.sizes[1] + 1 > 100 ? stripe.sizes[1] - 1 : stripe.sizes[1] + 1
  assertRefused(() => rebuildPieces(held, sizes, 4, [0]), 'pieces')
})

test('rebuildPieces: a wanted index outside the stripe', () => {
  assertRefused(() => rebuildPieces(held, stripe.sizes, 4, [6]), 'wanted')
  assertRefused(() => rebuildPieces(held, stripe.sizes, 4, [-1]), 'wanted')
  assertRefused(() => rebuildPieces(held, stripe.sizes, 4, [0.5]), 'wanted')
})

test.run()
