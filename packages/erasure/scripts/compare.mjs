#!/usr/bin/env node
// The candidates measured before choosing (README.md, "Why this implementation"):
// encode of k+m stripes of 1 MiB pieces by this package (wasm SIMD), by the
// reed-solomon-erasure crate as wasm (@digitaldefiance/reed-solomon-erasure.wasm, which
// needs the pieces copied into one buffer), and by plain JS with a 256-byte product table
// per coefficient, four bytes per step. Run after a build: node packages/erasure/scripts/compare.mjs
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import { ReedSolomonErasure } from '@digitaldefiance/reed-solomon-erasure.wasm'
import { encodeParity } from '../dist/src/encode.js'
import { gfMul } from '../dist/src/galois.js'
import { generatorMatrix } from '../dist/src/matrix.js'

const MiB = 1024 * 1024
const crate = ReedSolomonErasure.fromBytes(readFileSync(createRequire(import.meta.url).resolve('@digitaldefiance/reed-solomon-erasure.wasm/wasm')))

const PRODUCTS = new Uint8Array(65536)
for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) PRODUCTS[a * 256 + b] = gfMul(a, b)

function plainJsParity (data, m) {
  const k = data.length
  const rows = generatorMatrix(k, m).slice(k)
  return rows.map(row => {
    const out = new Uint32Array(data[0].length >>> 2)
    data.forEach((piece, i) => {
      const table = PRODUCTS.subarray(row[i] * 256, row[i] * 256 + 256)
      const words = new Uint32Array(piece.buffer, piece.byteOffset, piece.length >>> 2)
      for (let w = 0; w < words.length; w++) {
        const v = words[w]
        out[w] ^= table[v & 255] | (table[(v >>> 8) & 255] << 8) | (table[(v >>> 16) & 255] << 16) | (table[v >>> 24] << 24)
      }
    })
    return new Uint8Array(out.buffer)
  })
}

function crateParity (data, m) {
  const k = data.length
  const shards = new Uint8Array((k + m) * MiB)
  data.forEach((piece, i) => shards.set(piece, i * MiB))
  if (crate.encode(shards, k, m) !== 0) throw new Error('crate encode failed')
  return Array.from({ length: m }, (_, j) => shards.slice((k + j) * MiB, (k + j + 1) * MiB))
}

function measure (label, bytes, call) {
  call()
  let best = 0
  let cpuBest = Infinity
  for (let round = 0; round < 3; round++) {
    const cpu = process.cpuUsage()
    const start = performance.now()
    let calls = 0
    while (performance.now() - start < 500) { call(); calls++ }
    const mbps = bytes * calls / ((performance.now() - start) / 1000) / 1e6
    const used = process.cpuUsage(cpu)
    if (mbps > best) { best = mbps; cpuBest = (used.user + used.system) / 1000 / (bytes * calls / MiB) }
  }
  console.log(`${label.padEnd(36)} ${best.toFixed(0).padStart(6)} MB/s  ${cpuBest.toFixed(2).padStart(5)} CPU ms/MiB`)
}

for (const [k, m] of [[4, 2], [10, 4]]) {
  const data = Array.from({ length: k }, () => new Uint8Array(randomBytes(MiB)))
  const ours = encodeParity(data, m)
  for (const [name, parity] of [['crate', crateParity], ['plain JS', plainJsParity]]) {
    if (!parity(data, m).every((piece, j) => Buffer.compare(piece, ours[j]) === 0)) throw new Error(`${name} disagrees`)
  }
  measure(`${k}+${m} @shoal/erasure (wasm SIMD)`, k * MiB, () => encodeParity(data, m))
  measure(`${k}+${m} reed-solomon-erasure crate wasm`, k * MiB, () => crateParity(data, m))
  measure(`${k}+${m} plain JS, table per coefficient`, k * MiB, () => plainJsParity(data, m))
}
