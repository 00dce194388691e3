// The caller's pieces are only read, and what comes back belongs to the caller: a later
// call (which reuses the wasm memory) changes none of it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { encodeParity } from '../src/encode.js'
import { rebuildPieces } from '../src/rebuild.js'
import { hex, makeStripe, prng, randomBytes } from './helpers.js'

test('encodeParity and rebuildPieces leave their inputs as they were', () => {
  const next = prng(99)
  const data = Array.from({ length: 4 }, (_, i) => randomBytes(70_000 + i * 1000, next))
  const before = data.map(hex)
  const parity = encodeParity(data, 2)
  assert.equal(data.map(hex), before)
  const pieces = [...data, ...parity]
  const snapshot = pieces.map(hex)
  rebuildPieces([null, pieces[1], null, pieces[3], pieces[4], pieces[5]], pieces.map(p => p.length), 4, [0, 2])
  assert.equal(pieces.map(hex), snapshot)
})

test('results keep their bytes after later calls, and own their whole buffer', () => {
  const next = prng(5)
  const first = makeStripe(4, 2, 5000, next)
  const parity = first.pieces.slice(4).map(hex)
  makeStripe(10, 4, 9000, next)
  assert.equal(first.pieces.slice(4).map(hex), parity)
  const rebuilt = rebuildPieces([null, ...first.pieces.slice(1)], first.sizes, 4, [0])[0]
  assert.is(rebuilt.byteLength, rebuilt.buffer.byteLength)
  assert.is(rebuilt.length, first.sizes[0])
})

test.run()
