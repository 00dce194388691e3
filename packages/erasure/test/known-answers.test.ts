// Our parity is byte for byte a second implementation's: a published vector, the vectors
// the reed-solomon-erasure crate made (committed fixture), and the crate itself live on
// random stripes. One wrong coefficient in the generator fails every one of these.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { encodeParity } from '../src/encode.js'
import { rebuildPieces } from '../src/rebuild.js'
import { fromHex, hex, prng, randomBytes, vectors } from './helpers.js'
import { referenceParity } from './reference.js'

test('Backblaze JavaReedSolomon testOneEncode: 5+5 on 2-byte pieces', () => {
  const data = [[0, 1], [4, 5], [2, 3], [6, 7], [8, 9]].map(bytes => Uint8Array.from(bytes))
  const parity = encodeParity(data, 5).map(piece => [...piece])
  assert.equal(parity, [[12, 13], [10, 11], [14, 15], [90, 91], [94, 95]])
})

const fixture = vectors()

test('the fixture covers the shapes the tests promise', () => {
  assert.equal(fixture.vectors.map(v => `${v.k}+${v.m}`), ['1+1', '2+1', '4+2', '4+2', '10+4', '17+3', '200+56'])
})

for (const vector of fixture.vectors) {
  const name = `${vector.k}+${vector.m}, data sizes ${vector.data.map(d => d.length / 2).slice(0, 6).join(' ')}${vector.k > 6 ? ' ...' : ''}`
  const data = vector.data.map(fromHex)

  test(`fixture ${name}: parity equals the reference's`, () => {
    assert.equal(encodeParity(data, vector.m).map(hex), vector.parity)
  })

  test(`fixture ${name}: the first m data pieces rebuilt from the rest`, () => {
    const pieces = [...data, ...vector.parity.map(fromHex)]
    const lost = Array.from({ length: Math.min(vector.m, vector.k) }, (_, i) => i)
    const rebuilt = rebuildPieces(pieces.map((piece, i) => lost.includes(i) ? null : piece), pieces.map(p => p.length), vector.k, lost)
    assert.equal(rebuilt.map(hex), lost.map(i => vector.data[i]))
  })
}

test('live against the reed-solomon-erasure crate: 60 random stripes of random shapes', () => {
  const next = prng(1313)
  for (let round = 0; round < 60; round++) {
    const k = 1 + Math.floor(next() * 40)
    const m = 1 + Math.floor(next() * 12)
    const data = Array.from({ length: k }, () => randomBytes(1 + Math.floor(next() * 700), next))
    assert.equal(encodeParity(data, m).map(hex), referenceParity(data, m).map(hex), `round ${round}: ${k}+${m}`)
  }
})

test('live against the reed-solomon-erasure crate: the largest stripe, 128+128, across kernel blocks', () => {
  const next = prng(256)
  const data = Array.from({ length: 128 }, () => randomBytes(9000 + Math.floor(next() * 100), next))
  assert.equal(encodeParity(data, 128).map(hex), referenceParity(data, 128).map(hex))
})

test.run()
