// Inputs at and around the size bounds, empty and all-zero inputs, in both forms.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_CHUNKER_OPTIONS, fastcdc, type Chunk, type ChunkerOptions } from '../src/index.js'
import { assertDataMatches, boundaries, collect, firstDifference, randomBytes, readsOf } from './helpers.js'
import { oracleChunks } from './oracle.js'

const small = { minSize: 64, avgSize: 256, maxSize: 1024, normalization: 1 } as const
const defaults = DEFAULT_CHUNKER_OPTIONS

async function bothForms (source: Uint8Array, options: ChunkerOptions): Promise<Chunk[]> {
  const sync = boundaries(fastcdc(source, options))
  const streamed = await collect(fastcdc(readsOf(source, () => 777), options))
  assert.is(firstDifference(boundaries(streamed), sync), undefined, 'stream vs sync')
  assertDataMatches(streamed, source)
  return sync
}

test('empty input gives no chunks', async () => {
  assert.equal([...fastcdc(new Uint8Array(0))], [])
  assert.equal(await collect(fastcdc((async function * () {})())), [])
  assert.equal(await collect(fastcdc((async function * () { yield new Uint8Array(0); yield Buffer.alloc(0) })())), [])
})

test('input of at most minSize bytes is one chunk with hash 0', async () => {
  for (const length of [1, 2, 63, 64]) {
    const source = randomBytes(length, length)
    assert.equal(await bothForms(source, small), [{ offset: 0, length, hash: 0n }], `length ${length}`)
  }
  const source = randomBytes(defaults.minSize, 1)
  assert.equal(await bothForms(source, defaults), [{ offset: 0, length: defaults.minSize, hash: 0n }])
})

test('lengths around min, avg and max match the reference (small sizes)', async () => {
  for (const length of [65, 66, 127, 128, 255, 256, 257, 511, 1023, 1024, 1025, 2047, 2048, 2049, 3000]) {
    for (const seed of [1, 2, 3]) {
      const source = randomBytes(length, seed * 10_000 + length)
      const chunks = await bothForms(source, small)
      assert.is(firstDifference(chunks, oracleChunks(source, small)), undefined, `length ${length}`)
    }
  }
})

test('lengths around min, avg and max match the reference (Shoal defaults)', async () => {
  const { minSize: min, avgSize: avg, maxSize: max } = defaults
  // One random buffer; prefixes of it are inputs of each length.
  const data = randomBytes(max + 1, 99)
  for (const length of [min - 1, min, min + 1, avg - 1, avg, avg + 1, max - 1, max, max + 1]) {
    const source = data.subarray(0, length)
    const chunks = await bothForms(source, defaults)
    assert.is(firstDifference(chunks, oracleChunks(source, defaults)), undefined, `length ${length}`)
  }
})

test('all-zero input: every chunk is maxSize except the tail', async () => {
  for (const [options, length] of [[small, 10 * 1024 + 1], [small, 1023], [small, 1025], [defaults, 10 * 1024 * 1024 + 1], [defaults, defaults.maxSize]] as const) {
    const source = new Uint8Array(length)
    const chunks = await bothForms(source, options)
    const full = Math.floor(length / options.maxSize)
    const lengths = chunks.map(c => c.length)
    const expected = [...Array(full).fill(options.maxSize), ...(length % options.maxSize > 0 ? [length % options.maxSize] : [])]
    assert.equal(lengths, expected, `length ${length}`)
    // A maxSize cut carries the running hash; all of them are the same on zeros.
    assert.is(new Set(chunks.slice(0, full).map(c => c.hash)).size, full > 0 ? 1 : 0)
  }
})

test('a tail of at most minSize bytes has hash 0, a longer uncut tail its running hash', async () => {
  const zeros = new Uint8Array(1024 + 64)
  const [, tail] = await bothForms(zeros, small)
  assert.equal(tail, { offset: 1024, length: 64, hash: 0n })
  const longer = new Uint8Array(1024 + 200)
  const [first, last] = await bothForms(longer, small)
  assert.is(last.length, 200)
  assert.is.not(last.hash, 0n)
  // The gear hash only remembers the last 32 byte pairs, so on zeros both ends agree.
  assert.is(last.hash, first.hash)
  assert.equal([first, last], oracleChunks(longer, small))
})

test('an error from the source reaches the consumer, and chunking still works afterwards', async () => {
  const failure = new Error('disk on fire')
  async function * failing (): AsyncGenerator<Uint8Array> {
    yield randomBytes(3000, 1)
    throw failure
  }
  let caught: unknown
  try {
    for await (const chunk of fastcdc(failing(), small)) assert.ok(chunk.length > 0)
  } catch (err) {
    caught = err
  }
  assert.is(caught, failure)
  const source = randomBytes(5000, 2)
  assert.is(firstDifference(await bothForms(source, small), oracleChunks(source, small)), undefined)
})

test.run()
