// Streaming gives the same chunks as chunking the whole input at once, whatever the reads.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fastcdc, type ChunkerOptions } from '../src/index.js'
import { assertSameAsWhole, boundaries, collect, firstDifference, mixedBytes, prng, randomBytes, randomReadSizes, readsOf } from './helpers.js'

const MiB = 1024 * 1024

async function assertStreamMatches (source: Uint8Array, options: ChunkerOptions, reads: () => number, empty?: () => boolean): Promise<number> {
  const chunks = await collect(fastcdc(readsOf(source, reads, empty), options))
  assertSameAsWhole(chunks, source, options)
  return chunks.length
}

test('defaults, 20 MiB random: random reads of 1 B to 8 MiB, 1 MiB reads, one read', async () => {
  const source = randomBytes(20 * MiB, 1)
  for (const seed of [1, 2, 3]) await assertStreamMatches(source, {}, randomReadSizes(seed, 8 * MiB))
  await assertStreamMatches(source, {}, () => MiB)
  const count = await assertStreamMatches(source, {}, () => source.length)
  assert.ok(count > 8, `${count} chunks`)
})

test('defaults, 20 MiB mixed data, levels 0 and 3: random reads', async () => {
  const source = mixedBytes(20 * MiB + 12345, 2)
  for (const normalization of [0, 3] as const) {
    await assertStreamMatches(source, { normalization }, randomReadSizes(normalization + 10, 8 * MiB))
  }
})

test('min 64 avg 256 max 1024, 6 MiB: many chunks, random reads of 1 B to 8 MiB, one read', async () => {
  const source = randomBytes(6 * MiB, 3)
  const options = { minSize: 64, avgSize: 256, maxSize: 1024 }
  for (const seed of [4, 5]) {
    const count = await assertStreamMatches(source, options, randomReadSizes(seed, 8 * MiB))
    assert.ok(count > 10_000, `${count} chunks`)
  }
  await assertStreamMatches(source, options, () => source.length)
})

test('small reads of 1 to 100 bytes with empty reads between them, every level', async () => {
  const source = mixedBytes(300 * 1024, 6)
  for (const normalization of [0, 1, 2, 3] as const) {
    const next = prng(normalization + 20)
    await assertStreamMatches(source, { minSize: 64, avgSize: 256, maxSize: 1024, normalization }, () => 1 + Math.floor(next() * 100), () => next() < 0.1)
  }
})

test('reads of exactly maxSize and maxSize +/- 1 bytes', async () => {
  const source = randomBytes(MiB + 17, 7)
  const options = { minSize: 4096, avgSize: 16384, maxSize: 65535, normalization: 2 as const }
  for (const size of [65534, 65535, 65536]) await assertStreamMatches(source, options, () => size)
})

test('a sync-form iterator and a stream can run interleaved', async () => {
  const source = randomBytes(3 * MiB, 8)
  const options = { minSize: 1024, avgSize: 4096, maxSize: 16384 }
  const expected = boundaries(fastcdc(source, options))
  const sync = fastcdc(source, options)[Symbol.iterator]()
  const stream = fastcdc(readsOf(source, () => 100_000), options)[Symbol.asyncIterator]()
  const fromSync = []
  const fromStream = []
  for (;;) {
    const a = sync.next()
    const b = await stream.next()
    if (!a.done) fromSync.push(a.value)
    if (!b.done) fromStream.push(b.value)
    if (a.done === true && b.done === true) break
  }
  assert.is(firstDifference(fromSync, expected), undefined)
  assert.is(firstDifference(boundaries(fromStream), expected), undefined)
})

test.run()
