// The strict base32 used in CIDs and capability keys: same output as multiformats'
// base32, and it accepts only what it would have written.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { base32 } from 'multiformats/bases/base32'
import { base32Problem, decodeBase32, encodeBase32 } from '../src/base32.js'
import { prng } from './helpers.js'

test('encodes like multiformats and decodes back, for every length 0..80', () => {
  const rng = prng(7)
  for (let length = 0; length <= 80; length++) {
    for (let i = 0; i < 5; i++) {
      const bytes = rng.bytes(length)
      const text = encodeBase32(bytes)
      assert.is('b' + text, base32.encode(bytes))
      assert.is(base32Problem(text), undefined)
      assert.equal(decodeBase32(text), bytes)
    }
  }
})

test('RFC 4648 test vectors (lowercased, unpadded)', () => {
  const vectors: Array<[string, string]> = [['', ''], ['f', 'my'], ['fo', 'mzxq'], ['foo', 'mzxw6'], ['foob', 'mzxw6yq'], ['fooba', 'mzxw6ytb'], ['foobar', 'mzxw6ytboi']]
  for (const [input, output] of vectors) {
    assert.is(encodeBase32(new TextEncoder().encode(input)), output)
    assert.is(new TextDecoder().decode(decodeBase32(output)), input)
  }
})

test('rejects uppercase, padding, foreign characters, impossible lengths and stray bits', () => {
  assert.match(base32Problem('MZXW6') ?? '', 'uppercase')
  assert.match(base32Problem('mzxw6===') ?? '', 'not base32')
  assert.match(base32Problem('mzx0') ?? '', 'not base32')
  assert.match(base32Problem('mzé') ?? '', 'not base32')
  for (const length of [1, 3, 6, 9, 11, 14]) assert.match(base32Problem('a'.repeat(length)) ?? '', 'not a possible base32 length', `length ${length}`)
  assert.match(base32Problem('mz') ?? '', 'non-zero padding bits') // 'f' is 'my'
  assert.is(base32Problem('my'), undefined)
})

test.run()
