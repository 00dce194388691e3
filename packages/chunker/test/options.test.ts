// Option validation and defaults; the mask-selecting log2 matches the reference's.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_CHUNKER_OPTIONS, fastcdc, InvalidChunkerOptionError, type ChunkerOptions } from '../src/index.js'
import { roundedLog2 } from '../src/options.js'
import { logarithm2 } from './oracle.js'

function rejects (options: unknown, option: string, pattern: RegExp): void {
  for (const source of [new Uint8Array(10), (async function * () {})()]) {
    try {
      fastcdc(source as Uint8Array, options as ChunkerOptions)
    } catch (err) {
      assert.instance(err, RangeError)
      assert.instance(err, InvalidChunkerOptionError)
      const error = err as InvalidChunkerOptionError
      assert.is(error.code, 'ERR_INVALID_CHUNKER_OPTION')
      assert.is(error.option, option)
      assert.match(error.message, option)
      assert.match(error.message, pattern)
      continue
    }
    assert.unreachable(`${JSON.stringify(options)} was accepted`)
  }
}

test("Shoal's defaults", () => {
  assert.equal({ ...DEFAULT_CHUNKER_OPTIONS }, { minSize: 262_144, avgSize: 1_048_576, maxSize: 4_194_304, normalization: 1 })
  assert.ok(Object.isFrozen(DEFAULT_CHUNKER_OPTIONS))
})

test('sizes outside the reference ranges are refused, naming the range', () => {
  const base = { minSize: 64, avgSize: 256, maxSize: 1024 }
  rejects({ ...base, minSize: 63 }, 'minSize', /64 to 1048576/)
  rejects({ minSize: 1_048_577, avgSize: 4_194_304, maxSize: 16_777_216 }, 'minSize', /64 to 1048576/)
  rejects({ ...base, avgSize: 255 }, 'avgSize', /256 to 4194304/)
  rejects({ minSize: 64, avgSize: 4_194_305, maxSize: 16_777_216 }, 'avgSize', /256 to 4194304/)
  rejects({ ...base, maxSize: 1023 }, 'maxSize', /1024 to 16777216/)
  rejects({ ...base, maxSize: 16_777_217 }, 'maxSize', /1024 to 16777216/)
})

test('non-integer sizes are refused', () => {
  for (const bad of [1024.5, Number.NaN, Number.POSITIVE_INFINITY, '1024', -1024, 10n]) {
    rejects({ minSize: 64, avgSize: 256, maxSize: bad }, 'maxSize', /integer/)
  }
  rejects({ minSize: 64.5, avgSize: 256, maxSize: 1024 }, 'minSize', /integer/)
})

test('min <= avg <= max is required', () => {
  rejects({ minSize: 512, avgSize: 256, maxSize: 1024 }, 'minSize', /avgSize/)
  rejects({ minSize: 64, avgSize: 2048, maxSize: 1024 }, 'maxSize', /avgSize/)
  // A partial override is checked against the defaults it is merged with.
  rejects({ maxSize: 1024 }, 'maxSize', /avgSize \(1048576\)/)
})

test('normalization must be 0..3', () => {
  for (const bad of [4, -1, 1.5, '1', null, true]) rejects({ normalization: bad }, 'normalization', /0, 1, 2 or 3/)
})

test('bounds themselves and partial options are accepted', () => {
  const source = new Uint8Array(5000)
  for (const options of [
    { minSize: 64, avgSize: 256, maxSize: 1024 },
    { minSize: 1_048_576, avgSize: 4_194_304, maxSize: 16_777_216, normalization: 3 },
    { minSize: 1024, avgSize: 1024, maxSize: 1024, normalization: 0 },
    { normalization: 2 },
    { minSize: undefined },
    {},
    undefined
  ] as const) {
    assert.is([...fastcdc(source, options)].reduce((sum, c) => sum + c.length, 0), 5000)
  }
})

test('a source that is neither bytes nor an async iterable is a TypeError', async () => {
  assert.throws(() => fastcdc('text' as unknown as Uint8Array), (err: Error) => err instanceof TypeError)
  assert.throws(() => fastcdc([new Uint8Array(1)] as unknown as Uint8Array), (err: Error) => err instanceof TypeError)
  const strings = (async function * () { yield 'text' })() as unknown as AsyncIterable<Uint8Array>
  try {
    for await (const chunk of fastcdc(strings)) assert.unreachable(String(chunk))
    assert.unreachable('a string read was accepted')
  } catch (err) {
    assert.instance(err, TypeError)
  }
})

test('bits = round(log2(avgSize)) as the reference computes it, for every allowed avgSize', () => {
  // fastcdc-rs test_logarithm2
  for (const [value, bits] of [[1024, 10], [16384, 14], [65536, 16], [1500, 11], [12288, 14], [24576, 15], [1100, 10]]) {
    assert.is(roundedLog2(value), bits, String(value))
  }
  for (let avg = 256; avg <= 4_194_304; avg++) {
    if (roundedLog2(avg) !== logarithm2(avg)) assert.unreachable(`avgSize ${avg}: ${roundedLog2(avg)} vs ${logarithm2(avg)}`)
  }
})

test.run()
