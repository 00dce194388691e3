#!/usr/bin/env node
// Erasure coding speed (@shoal/erasure): encode and rebuild, 4+2 and 10+4, 1 MiB pieces.
// Run after a build: node bench/erasure.mjs [rounds]
//   encode           encodeParity over k data pieces: MB/s of data in
//   rebuild m data   rebuildPieces of m lost data pieces (a degraded get): MB/s of stripe data
//   rebuild 1        rebuildPieces of one lost data piece (a repair): MB/s of stripe data
// Each row: the best of `rounds` rounds of ~0.5 s, and the CPU it took per MiB of data.
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { encodeParity, rebuildPieces } from '@shoal/erasure'

const MiB = 1024 * 1024
const rounds = Number(process.argv[2] ?? 5)

function measure (label, bytesPerCall, call) {
  for (let i = 0; i < 3; i++) call()
  let best = { mbps: 0, cpuMsPerMiB: Infinity }
  for (let round = 0; round < rounds; round++) {
    const cpu = process.cpuUsage()
    const start = performance.now()
    let calls = 0
    while (performance.now() - start < 500) { call(); calls++ }
    const seconds = (performance.now() - start) / 1000
    const used = process.cpuUsage(cpu)
    const mbps = bytesPerCall * calls / seconds / 1e6
    const cpuMsPerMiB = (used.user + used.system) / 1000 / (bytesPerCall * calls / MiB)
    if (mbps > best.mbps) best = { mbps, cpuMsPerMiB }
  }
  console.log(`${label.padEnd(28)} ${best.mbps.toFixed(0).padStart(6)} MB/s  ${best.cpuMsPerMiB.toFixed(2).padStart(5)} CPU ms/MiB`)
}

console.log(`node ${process.version}, best of ${rounds} rounds`)
for (const [k, m] of [[4, 2], [10, 4]]) {
  const data = Array.from({ length: k }, () => new Uint8Array(randomBytes(MiB)))
  const pieces = [...data, ...encodeParity(data, m)]
  const sizes = pieces.map(piece => piece.length)
  const lostData = Array.from({ length: m }, (_, i) => i)
  const withoutData = pieces.map((piece, i) => i < m ? null : piece)
  const withoutOne = pieces.map((piece, i) => i === 0 ? null : piece)
  measure(`${k}+${m} encode`, k * MiB, () => encodeParity(data, m))
  measure(`${k}+${m} rebuild ${m} data pieces`, k * MiB, () => rebuildPieces(withoutData, sizes, k, lostData))
  measure(`${k}+${m} rebuild 1 data piece`, k * MiB, () => rebuildPieces(withoutOne, sizes, k, [0]))
}
