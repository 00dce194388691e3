import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { randomKey, SHARED_CONVERGENCE_SECRET, wipe } from '../src/index.js'
import { isPlainUint8Array, throwsType, toHex } from './helpers.js'

test('randomKey: 32 fresh random bytes each time', () => {
  const keys = Array.from({ length: 8 }, () => randomKey())
  for (const key of keys) {
    assert.is(key.byteLength, 32)
    assert.ok(isPlainUint8Array(key))
  }
  assert.is(new Set(keys.map(toHex)).size, keys.length)
})

test('wipe zeroes exactly the bytes it is given', () => {
  const backing = new Uint8Array(40).fill(7)
  wipe(backing.subarray(4, 36))
  assert.ok(backing.subarray(4, 36).every(b => b === 0))
  assert.equal([...backing.subarray(0, 4), ...backing.subarray(36)], [7, 7, 7, 7, 7, 7, 7, 7])
})

test('wipe leaves the public shared convergence secret alone', () => {
  const before = toHex(SHARED_CONVERGENCE_SECRET)
  wipe(SHARED_CONVERGENCE_SECRET)
  assert.is(toHex(SHARED_CONVERGENCE_SECRET), before)
})

test('wipe of non-bytes is a TypeError', () => {
  throwsType(() => wipe('key' as unknown as Uint8Array), TypeError, 'string')
})

test.run()
