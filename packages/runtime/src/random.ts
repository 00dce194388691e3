// Randomness as Shoal's logic sees it: real (crypto) by default, or one seeded stream so
// that a test or a simulation draws the same numbers every run. Never for keys or
// secrets: those always come from node:crypto directly.
import { randomBytes, randomInt } from 'node:crypto'
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'

export interface Random {
  /** `length` random bytes. */
  bytes: (length: number) => Uint8Array
  /** A float in [0, 1). */
  float: () => number
  /** A whole number in [0, max). */
  int: (max: number) => number
}

export const systemRandom: Random = {
  bytes: length => new Uint8Array(randomBytes(length)),
  float: () => randomBytes(6).readUIntBE(0, 6) / 2 ** 48,
  int: max => randomInt(max)
}

/** A deterministic stream (xoroshiro128+) from a 32-bit seed: the same seed, the same draws. */
export function seededRandom (seed: number): Random {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number, got ${seed}`)
  const rng = xoroshiro128plus(seed | 0)
  return {
    bytes (length) {
      const out = new Uint8Array(length)
      for (let i = 0; i < length; i += 4) {
        const word = rng.next()
        for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (word >>> (8 * j)) & 0xff
      }
      return out
    },
    float: () => uniformFloat64(rng),
    int (max) {
      if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`max must be a whole number ≥ 1, got ${max}`)
      return uniformInt(rng, 0, max - 1)
    }
  }
}
