#!/usr/bin/env node
// Quick throughput check, not a test: node packages/chunker/scripts/bench.mjs [MiB] [readKiB] [passes]
// Chunks MiB of random bytes with Shoal's defaults: the sync form, then the streaming form
// fed readKiB reads. Pass 1 in a fresh process includes first-touch page faults for the
// wasm window and for every chunk's fresh data buffer; later passes reuse that memory.
// Reports wall-clock and CPU-time rates (CPU time is steadier on a shared machine).
import { fastcdc } from '../dist/src/index.js'

const mib = Number(process.argv[2] ?? 256)
const readSize = Number(process.argv[3] ?? 1024) * 1024
const passes = Number(process.argv[4] ?? 3)
const source = new Uint8Array(mib * 1024 * 1024)
const words = new Uint32Array(source.buffer)
let x = 0x2545f491
for (let i = 0; i < words.length; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; words[i] = x >>> 0 }

async function * reads () {
  for (let i = 0; i < source.length; i += readSize) yield source.subarray(i, i + readSize)
}

async function measure (run) {
  const faults = process.resourceUsage().minorPageFault
  const cpu = process.cpuUsage()
  const start = performance.now()
  const chunks = await run()
  const wall = performance.now() - start
  const { user, system } = process.cpuUsage(cpu)
  const rate = ms => `${(source.length / 1e6 / (ms / 1000)).toFixed(0)} MB/s`
  return `${rate(wall)} wall, ${rate((user + system) / 1000)} cpu, ${chunks} chunks, ${process.resourceUsage().minorPageFault - faults} page faults`
}

for (let pass = 1; pass <= passes; pass++) {
  const sync = await measure(() => {
    let n = 0
    for (const chunk of fastcdc(source)) n += chunk.length > 0 ? 1 : 0
    return n
  })
  const stream = await measure(async () => {
    let n = 0
    let bytes = 0
    for await (const chunk of fastcdc(reads())) { n++; bytes += chunk.data.byteLength }
    if (bytes !== source.length) throw new Error('lost bytes')
    return n
  })
  console.log(`pass ${pass}, ${mib} MiB\n  sync:   ${sync}\n  stream: ${stream} (${readSize / 1024} KiB reads)`)
}
