// The reference's own test vectors (fastcdc-rs v2020), in both forms, and the oracle on them.
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fastcdc } from '../src/index.js'
import { boundaries, collect, fixture, readsOf, vectors, assertDataMatches, type VectorCase } from './helpers.js'
import { oracleChunks } from './oracle.js'

const image = fixture('SekienAkashita.jpg')
const sets = [vectors('vectors.json'), vectors('vectors-extra.json')]
const cases: VectorCase[] = sets.flatMap(set => set.cases)

function expected (vector: VectorCase): Array<{ offset: number, length: number, hash: bigint }> {
  return vector.chunks.map(({ offset, length, hash }) => ({ offset, length, hash: BigInt(hash) }))
}

function name (vector: VectorCase): string {
  return `min ${vector.minSize} avg ${vector.avgSize} max ${vector.maxSize} level ${vector.normalization}`
}

test('the fixture image is the reference one', () => {
  for (const set of sets) assert.is(createHash('sha256').update(image).digest('hex'), set.fileSha256)
  assert.ok(cases.length >= 5)
  assert.equal(new Set(cases.map(c => c.normalization)), new Set([0, 1, 3]))
})

for (const vector of cases) {
  test(`sync form matches the reference: ${name(vector)}`, () => {
    assert.equal(boundaries(fastcdc(image, vector)), expected(vector))
  })

  test(`streaming form matches the reference: ${name(vector)}`, async () => {
    for (const readSize of [1, 4096, 65536, image.length]) {
      const chunks = await collect(fastcdc(readsOf(image, () => readSize), vector))
      assert.equal(boundaries(chunks), expected(vector), `reads of ${readSize}`)
      assertDataMatches(chunks, image)
    }
  })

  test(`oracle matches the reference: ${name(vector)}`, () => {
    assert.equal(oracleChunks(image, vector), expected(vector))
  })
}

test('all-zero input: maxSize chunks with the reference hash', async () => {
  const zeros = sets[1].zeros as { length: number, minSize: number, avgSize: number, maxSize: number, normalization: 1, chunkLength: number, hash: string }
  const source = new Uint8Array(zeros.length)
  const want = Array.from({ length: zeros.length / zeros.chunkLength }, (_, i) => ({ offset: i * zeros.chunkLength, length: zeros.chunkLength, hash: BigInt(zeros.hash) }))
  assert.equal(boundaries(fastcdc(source, zeros)), want)
  assert.equal(boundaries(await collect(fastcdc(readsOf(source, () => 1000), zeros))), want)
  assert.equal(oracleChunks(source, zeros), want)
})

test.run()
