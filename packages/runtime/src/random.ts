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

/**
 * A deterministic stream (xoroshiro128+) from a seed of 0 to 2^32 - 1: the same seed, the
 * same draws. The seed is scrambled first (splitmix32's finaliser) and a few draws are
 * dropped, so near seeds (1, 2, 3) start far apart.
 */
export function seededRandom (seed: number): Random {
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new RangeError(`seed must be a whole number from 0 to 2^32 - 1, got ${seed}`)
  const rng = xoroshiro128plus(scramble(seed))
  for (let i = 0; i < 16; i++) rng.next()
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

function scramble (seed: number): number {
  let z = (seed + 0x9e3779b9) | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) | 0
}
