// HAVE bitmaps are LSB-first within each byte and exactly ceil(n / 8) long.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { packBitmap, unpackBitmap } from '../src/index.js'
import { prng, throwsProtocol } from './helpers.js'

test('bit i is byte i >> 3, bit i & 7 (LSB first)', () => {
  assert.equal([...packBitmap([true])], [0x01])
  assert.equal([...packBitmap([false, false, true])], [0x04])
  assert.equal([...packBitmap([...new Array(8).fill(false), true])], [0x00, 0x01])
  assert.equal([...packBitmap([true, false, false, false, false, false, false, true])], [0x81])
  assert.equal([...packBitmap([])], [])
})

test('round trips for every count up to 100', () => {
  const r = prng(3)
  for (let n = 0; n <= 100; n++) {
    const held = Array.from({ length: n }, () => r.int(2) === 1)
    assert.equal(unpackBitmap(packBitmap(held), n), held)
  }
})

test('a bitmap of the wrong length or with padding bits set is refused', () => {
  throwsProtocol(() => unpackBitmap(new Uint8Array(2), 3), 'BAD_REQUEST', 'expected 1')
  throwsProtocol(() => unpackBitmap(new Uint8Array(0), 1), 'BAD_REQUEST', 'expected 1')
  throwsProtocol(() => unpackBitmap(Uint8Array.of(0x08), 3), 'BAD_REQUEST', 'past the last CID')
  assert.equal(unpackBitmap(Uint8Array.of(0xff), 8), new Array(8).fill(true))
})

test.run()
