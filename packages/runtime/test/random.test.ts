// A seeded stream gives the same draws for the same seed and different ones for another;
// every draw stays in its range.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { seededRandom, systemRandom } from '../src/index.js'

const draws = (seed: number): string => {
  const random = seededRandom(seed)
  return JSON.stringify([Buffer.from(random.bytes(37)).toString('hex'), random.float(), random.int(1000), random.int(7)])
}

test('the same seed draws the same numbers, another seed others', () => {
  assert.is(draws(42), draws(42))
  assert.is.not(draws(42), draws(43))
})

test('draws stay in range: float in [0, 1), int in [0, max)', () => {
  for (const random of [seededRandom(7), systemRandom]) {
    for (let i = 0; i < 10_000; i++) {
      const f = random.float()
      assert.ok(f >= 0 && f < 1, `float ${f}`)
      const n = random.int(3)
      assert.ok(Number.isInteger(n) && n >= 0 && n < 3, `int ${n}`)
    }
    assert.is(random.bytes(5).length, 5)
  }
})

test('int() spreads evenly enough: each of 4 values within 10 % of its share in 40,000 draws', () => {
  const random = seededRandom(1)
  const counts = [0, 0, 0, 0]
  for (let i = 0; i < 40_000; i++) counts[random.int(4)]++
  for (const count of counts) assert.ok(Math.abs(count - 10_000) < 1_000, `${counts.join(',')}`)
})

test('a seed that is not a whole number from 0 to 2^32 - 1 is refused', () => {
  for (const seed of [1.5, -1, 2 ** 32]) assert.throws(() => seededRandom(seed), /seed/)
})

test('near seeds start far apart: no two of seeds 0-255 share their first 8 bytes', () => {
  const starts = new Set(Array.from({ length: 256 }, (_, seed) => Buffer.from(seededRandom(seed).bytes(8)).toString('hex')))
  assert.is(starts.size, 256)
})

test.run()
