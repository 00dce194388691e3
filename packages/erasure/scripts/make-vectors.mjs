#!/usr/bin/env node
// Writes test/fixtures/vectors.json: known-answer vectors made by a second implementation,
// the reed-solomon-erasure crate (as wasm, @digitaldefiance/reed-solomon-erasure.wasm).
// Data pieces of unequal length are zero-padded to the longest for it, as our API says.
// Run again only to add shapes: the committed file is what the tests hold us to.
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { ReedSolomonErasure } from '@digitaldefiance/reed-solomon-erasure.wasm'

const codec = ReedSolomonErasure.fromBytes(readFileSync(createRequire(import.meta.url).resolve('@digitaldefiance/reed-solomon-erasure.wasm/wasm')))

// [k, m, sizes of the data pieces]
const shapes = [
  [1, 1, [7]],
  [2, 1, [16, 16]],
  [4, 2, [37, 0, 64, 50]],
  [4, 2, [1000, 1000, 1000, 1000]],
  [10, 4, [100, 99, 98, 1, 0, 100, 64, 33, 100, 17]],
  [17, 3, Array.from({ length: 17 }, (_, i) => 40 + i)],
  [200, 56, Array.from({ length: 200 }, (_, i) => (i * 7) % 13)]
]

// xorshift32, so the vectors can be made again identically
let state = 0x5eed
function nextByte () {
  state ^= state << 13
  state ^= state >>> 17
  state ^= state << 5
  state >>>= 0
  return state & 0xff
}

const vectors = shapes.map(([k, m, sizes]) => {
  const data = sizes.map(size => Uint8Array.from({ length: size }, nextByte))
  const longest = Math.max(...sizes)
  const shards = new Uint8Array((k + m) * longest)
  data.forEach((piece, i) => shards.set(piece, i * longest))
  const result = codec.encode(shards, k, m)
  if (result !== ReedSolomonErasure.RESULT_OK) throw new Error(ReedSolomonErasure.getResultMessage(result))
  const parity = Array.from({ length: m }, (_, j) => shards.subarray((k + j) * longest, (k + j + 1) * longest))
  const hex = bytes => Buffer.from(bytes).toString('hex')
  return { k, m, data: data.map(hex), parity: parity.map(hex) }
})

const out = new URL('../test/fixtures/vectors.json', import.meta.url)
const source = '@digitaldefiance/reed-solomon-erasure.wasm 1.0.2 (the reed-solomon-erasure crate), scripts/make-vectors.mjs'
writeFileSync(out, JSON.stringify({ source, vectors }, null, 1) + '\n')
console.log(`wrote ${vectors.length} vectors to ${out.pathname}`)
