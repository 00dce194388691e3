// A ByteReader source (the chunker reads into its own window) gives the same chunks as
// chunking the whole input at once, however short its reads are.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fastcdc, type ByteReader, type ChunkerOptions } from '../src/index.js'
import { assertSameAsWhole, collect, mixedBytes, prng, randomBytes } from './helpers.js'

const MiB = 1024 * 1024

/** Serves `source` in reads of at most `limit()` bytes (and at most what `into` holds). */
function readerOf (source: Uint8Array, limit: () => number): ByteReader & { calls: number } {
  let at = 0
  const reader = {
    calls: 0,
    read: async (into: Uint8Array) => {
      reader.calls++
      const n = Math.min(limit(), into.byteLength, source.length - at)
      into.set(source.subarray(at, at + n))
      at += n
      return n
    }
  }
  return reader
}

async function assertReaderMatches (source: Uint8Array, options: ChunkerOptions, limit: () => number): Promise<number> {
  const chunks = await collect(fastcdc(readerOf(source, limit), options))
  assertSameAsWhole(chunks, source, options)
  return chunks.length
}

test('defaults, 20 MiB random: reads as large as the window allows, and random reads of 1 B to 8 MiB', async () => {
  const source = randomBytes(20 * MiB, 31)
  assert.ok(await assertReaderMatches(source, {}, () => Infinity) > 8)
  for (const seed of [1, 2]) {
    const next = prng(seed)
    await assertReaderMatches(source, {}, () => 1 + Math.floor(next() * 8 * MiB))
  }
})

test('small chunks, mixed data, reads of 1 to 100 bytes, every level', async () => {
  const source = mixedBytes(300 * 1024, 32)
  for (const normalization of [0, 1, 2, 3] as const) {
    const next = prng(normalization + 40)
    await assertReaderMatches(source, { minSize: 64, avgSize: 256, maxSize: 1024, normalization }, () => 1 + Math.floor(next() * 100))
  }
})

test('an empty reader yields no chunks', async () => {
  assert.equal(await collect(fastcdc(readerOf(new Uint8Array(0), () => Infinity))), [])
})

test('a reader that claims more bytes than it was given room for is refused', async () => {
  const liar: ByteReader = { read: async into => into.byteLength + 1 }
  let caught: unknown
  try { await collect(fastcdc(liar)) } catch (err) { caught = err }
  assert.instance(caught, TypeError)
  assert.match((caught as Error).message, 'ByteReader.read must resolve')
})

test.run()
