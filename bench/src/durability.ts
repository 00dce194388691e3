// replicate:3 against rs:4+2 on one file: stored bytes, put and get time, and what repair
// moves after the vault holding the most of it is lost. On the in-memory network (10
// vaults, memory stores, a virtual clock, every vault running its repair loop), so the
// bytes are counted exactly (the request trace, the repairers' metrics) and the times are
// the pipeline's CPU cost (sealing, erasure coding, placement), not a network's. Audit
// traffic over the same periods is shown apart: a piece of a stripe is audited by
// fetching it (its auditor holds another piece, so it cannot check a proof).
//   node bench/dist/src/index.js durability     (SHOAL_DURABILITY_MIB=256)
import { createHash, randomBytes } from 'node:crypto'
import { getStream, putStream, type ChunkSink } from '@shoal/client'
import type { Redundancy } from '@shoal/manifest'
import { createMemoryNetwork, createNetworkSink, createNetworkSource, type MemoryNetwork } from '@shoal/node/memory'
import { createVirtualClock, seededRandom } from '@shoal/runtime'
import { createMemoryStore } from '@shoal/store'

const MiB = 1024 * 1024
const VAULTS = 10
const INTERVAL_MS = 10_000

interface Outcome { stored: number, putSeconds: number, getSeconds: number, lost: number, repairPut: number, repairFetched: number, auditFetched: number, periods: number, exact: boolean }

/** Bytes the trace lines since `from` say were PUT (stored) and fetched (DATA answers). */
function traffic (net: MemoryNetwork, from: number): { put: number, fetched: number } {
  let put = 0
  let fetched = 0
  for (const line of net.trace.slice(from)) {
    const words = line.split(' ')
    if (words[2] === 'put' && line.endsWith('ok stored')) put += parseInt(words[4], 10)
    else if (words.at(-2) === 'data') fetched += parseInt(words.at(-1) as string, 10)
  }
  return { put, fetched }
}

async function run (redundancy: Redundancy, data: Uint8Array, secret: Uint8Array): Promise<Outcome> {
  const clock = createVirtualClock()
  const random = seededRandom(7)
  const net = createMemoryNetwork({ clock, random, store: () => createMemoryStore({ space: 4096 * MiB }), repair: { intervalMs: INTERVAL_MS, repairBytesPerSecond: 64 * MiB } })
  for (let i = 0; i < VAULTS; i++) await net.add()
  const client = await net.add({ client: true })
  try {
    const sink: ChunkSink = createNetworkSink(client, { clock, random, replicas: 3 })
    let started = performance.now()
    const { uri } = await clock.run(async () => await putStream((async function * () { yield data })(), sink, { convergenceSecret: secret, compress: false, redundancy }))
    const putSeconds = (performance.now() - started) / 1000
    const stats = await Promise.all(net.nodes.map(async n => await n.store?.stats()))
    const stored = stats.reduce((sum, s) => sum + (s?.bytes ?? 0), 0)

    // the vault holding the most of the file dies
    const victim = net.nodes.reduce((best, n, i) => (stats[i]?.bytes ?? 0) > (stats[net.nodes.indexOf(best)]?.bytes ?? 0) ? n : best)
    const lost = (await victim.store?.stats())?.bytes ?? 0
    victim.kill()
    const from = net.trace.length
    // periods until two in a row store nothing new: redundancy is back
    let periods = 0
    let quiet = 0
    while (quiet < 2 && periods < 60) {
      const before = traffic(net, from).put
      await clock.run(async () => { await clock.sleep(INTERVAL_MS) })
      periods++
      quiet = traffic(net, from).put === before ? quiet + 1 : 0
    }
    const moved = traffic(net, from)
    const sum = (name: 'repairBytesSent' | 'repairBytesFetched'): number => net.nodes.reduce((total, n) => total + (n.repairer?.metrics()[name] ?? 0), 0)
    const repairFetched = sum('repairBytesFetched')

    started = performance.now()
    const hash = createHash('sha256')
    await clock.run(async () => {
      const source = createNetworkSource(client, { clock, random })
      for await (const part of getStream(uri, source, { clock })) hash.update(part)
    })
    const getSeconds = (performance.now() - started) / 1000
    const exact = hash.digest('hex') === createHash('sha256').update(data).digest('hex')
    return { stored, putSeconds, getSeconds, lost, repairPut: moved.put, repairFetched, auditFetched: moved.fetched - repairFetched, periods: periods - 2, exact }
  } finally {
    await net.stop()
  }
}

export async function durabilityBench (): Promise<void> {
  const mib = Number(process.env.SHOAL_DURABILITY_MIB ?? 256)
  const data = randomBytes(mib * MiB)
  const secret = randomBytes(32)
  console.log(`durability: one ${mib} MiB file on ${VAULTS} in-memory vaults (repair every ${INTERVAL_MS / 1000} s of virtual time), then the vault holding the most of it lost`)
  console.log('scheme         stored      put MB/s  get MB/s  lost        repair put  repair fetched  audit fetched  periods  exact')
  for (const redundancy of [{ scheme: 'replicate', replicas: 3 }, { scheme: 'erasure', k: 4, m: 2 }] as Redundancy[]) {
    const o = await run(redundancy, data, secret)
    const name = redundancy.scheme === 'replicate' ? `replicate:${redundancy.replicas}` : `rs:${redundancy.k}+${redundancy.m}`
    const size = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`.padEnd(12)
    console.log(`${name.padEnd(15)}${size(o.stored)}${(data.length / 1e6 / o.putSeconds).toFixed(0).padEnd(10)}${(data.length / 1e6 / o.getSeconds).toFixed(0).padEnd(10)}${size(o.lost)}${size(o.repairPut)}${size(o.repairFetched).padEnd(16)}${size(o.auditFetched).padEnd(15)}${String(o.periods).padEnd(9)}${String(o.exact)}`)
  }
}
