// The wasm cut loop agrees with the BigInt port of the reference on varied data, for every
// normalization level and a spread of size settings (odd, non-power-of-two, equal bounds).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fastcdc, type ChunkerOptions } from '../src/index.js'
import { Cutter } from '../src/wasm.js'
import { boundaries, firstDifference, mixedBytes, randomBytes } from './helpers.js'
import { GEAR, GEAR_LS, oracleChunks } from './oracle.js'

const MiB = 1024 * 1024
const levels = [0, 1, 2, 3] as const

// [minSize, avgSize, maxSize, bytes of input]. The 5 MiB small-chunk run crosses the
// 4 MiB input window and the 4096-record result area several times.
const sizeSets: Array<[number, number, number, number]> = [
  [64, 256, 1024, 5 * MiB], // smallest allowed; level 3 uses MASKS[5]
  [65, 300, 1500, MiB], // odd minSize: the reference may cut at minSize - 1
  [100, 1500, 8192, 2 * MiB], // log2(1500) = 10.55 rounds up to 11
  [256, 256, 1024, MiB], // minSize == avgSize: the first scan phase is empty
  [1024, 1024, 1024, 256 * 1024], // all bounds equal: fixed-size chunks
  [4096, 16384, 65535, 4 * MiB], // the reference's own test settings
  [256 * 1024, MiB, 4 * MiB, 6 * MiB], // Shoal's defaults
  [MiB, 4 * MiB, 16 * MiB, 7 * MiB] // largest allowed; level 3 uses MASKS[25]
]

test('gear tables in wasm memory equal the reference tables', () => {
  const { gear, gearLs } = new Cutter().gearTables()
  assert.equal([...gear], [...GEAR])
  assert.equal([...gearLs], [...GEAR_LS])
})

for (const [minSize, avgSize, maxSize, length] of sizeSets) {
  // Mixed data runs on half the length: the oracle does ~10 MB/s.
  for (const [kind, make, share] of [['random', randomBytes, 1], ['mixed', mixedBytes, 0.5]] as const) {
    test(`${kind} data, min ${minSize} avg ${avgSize} max ${maxSize}, levels 0-3`, () => {
      const source = make(Math.floor(length * share), minSize + avgSize + maxSize)
      for (const normalization of levels) {
        const options: ChunkerOptions = { minSize, avgSize, maxSize, normalization }
        const actual = boundaries(fastcdc(source, options))
        const expected = oracleChunks(source, { minSize, avgSize, maxSize, normalization })
        assert.ok(expected.length > 0)
        assert.is(firstDifference(actual, expected), undefined, `level ${normalization}`)
      }
    })
  }
}

test('levels really differ (the oracle comparison is not vacuous)', () => {
  const source = randomBytes(MiB, 7)
  const counts = levels.map(normalization => [...fastcdc(source, { minSize: 64, avgSize: 256, maxSize: 1024, normalization })])
  const spreads = counts.map(chunks => {
    const mean = chunks.reduce((sum, c) => sum + c.length, 0) / chunks.length
    return chunks.reduce((sum, c) => sum + (c.length - mean) ** 2, 0) / chunks.length
  })
  // Higher normalization concentrates chunk sizes around the average.
  for (let level = 1; level < 4; level++) assert.ok(spreads[level] < spreads[level - 1], `level ${level} spread ${spreads[level]} vs ${spreads[level - 1]}`)
})

test.run()
