// Churn over real processes (issue "Durability"): 10 vaults repairing every 10 s, 20 files
// put through the CLI (half replicate:3, half rs:4+2), three rounds of kill -9 of the two live vaults that
// hold the most chunks (never the bootstrap) and two new vaults started, two repair
// periods apart. Then every replicated chunk is held by the 3 closest live vaults (asked
// with HAS by an in-process probe), `shoal check` finds every stripe at 6 pieces, and
// every file comes back exact. Before the repair loop ran
// in `shoal node`, the same scenario lost files (bench/README.md, "Churn").
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { createNetworkSource, chunkKey, sortByDistance, type ShoalNode } from '@shoal/node'
import { readManifest } from '@shoal/client'
import { parseCapability, type FileManifest } from '@shoal/manifest'
import type { CID } from 'multiformats/cid'
import { shoal } from './helpers/cli.js'
import { startProbe } from './helpers/probe.js'
import { createTestnet, kill, nodeStatus, type Testnet, type TestnetNode } from './helpers/testnet.js'

const REPLICAS = 3
const PERIOD_MS = 10_000
const VAULTS = 10
const FILES = 20
const ROUNDS = 3
const KiB = 1024
let net: Testnet
let work = ''
let probe: ShoalNode
const files: Array<{ path: string, bytes: Buffer, uri: string, chunks: CID[], rs: boolean }> = []
const alive = new Set<TestnetNode>()
/** the last repair counters each vault reported, killed ones included */
const counters = new Map<string, { chunksRepaired: number, repairBytesSent: number, handedOff: number }>()
let bytesLost = 0

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const lastLine = (stdout: string): string => stdout.trim().split('\n').pop() as string
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** `fn` over `items`, `width` at a time. */
async function inParallel<T> (items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({ length: width }, async () => { for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item) }))
}

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-churn-'))
  net = await createTestnet({ nodes: VAULTS, nodeFlags: ['--repair-interval', `${PERIOD_MS / 1000}s`, '--log-level', 'warn'], startTimeoutMs: 30_000 })
  for (const node of net.nodes) alive.add(node)
  probe = await startProbe(work, net.bootstrap)
})
test.after(async () => {
  await probe?.stop()
  await net?.stop()
  await rm(work, { recursive: true, force: true })
})

/** Which of the chunks are not held by each of the 3 live vaults closest to them. */
async function shortChunks (): Promise<string[]> {
  const live = [...alive]
  for (const node of live) await probe.libp2p.peerStore.merge(peerIdFromString(node.peerId), { multiaddrs: [multiaddr(node.address)] })
  const ids = live.map(n => peerIdFromString(n.peerId))
  const short: string[] = []
  for (const cid of files.flatMap(f => f.chunks)) {
    const closest = sortByDistance(chunkKey(cid), ids).slice(0, REPLICAS)
    const held = await Promise.all(closest.map(async peer => await probe.chunks.has(peer, [cid], { signal: AbortSignal.timeout(10_000) }).then(([has]) => has, () => false)))
    const missing = closest.filter((_, i) => !held[i])
    if (missing.length > 0) short.push(`${cid.toString()} lacks ${missing.length} of ${REPLICAS}`)
  }
  return short
}

/** What `shoal check` finds short among the rs:4+2 files (their stripes and manifest blocks), as a user would ask. */
async function shortStripes (): Promise<string[]> {
  const short: string[] = []
  const via = [...alive][0].address
  for (const file of files.filter(f => f.rs)) {
    const check = await shoal(['check', file.uri, '--json', '--bootstrap', via, '--data', join(work, 'checker')], { timeoutMs: 120_000 })
    const health = JSON.parse(lastLine(check.stdout)) as { short: number, recoverable: boolean }
    if (check.code !== 0 || health.short > 0) short.push(`${file.path}: ${health.short} short${health.recoverable ? '' : ', unrecoverable'}`)
  }
  return short
}

async function readCounters (): Promise<void> {
  for (const node of alive) {
    const status = await nodeStatus(node) as unknown as { repair: { chunksRepaired: number, repairBytesSent: number, handedOff: number } | null }
    if (status.repair !== null) counters.set(node.peerId, status.repair)
  }
}

test('20 files put through the CLI (10 replicate:3, 10 rs:4+2) are at target on 10 vaults', async () => {
  for (let i = 0; i < FILES; i++) {
    const bytes = randomBytes((64 + Math.floor(Math.random() * 960)) * KiB)
    const path = join(work, `file-${i}.bin`)
    await writeFile(path, bytes)
    files.push({ path, bytes, uri: '', chunks: [], rs: i % 2 === 1 })
  }
  await inParallel(files, 4, async file => {
    const put = await shoal(['put', file.path, '--redundancy', file.rs ? 'rs:4+2' : 'replicate:3', '--bootstrap', net.bootstrap, '--data', join(work, 'client'), '--json'], { timeoutMs: 120_000 })
    assert.is(put.code, 0, put.stderr)
    file.uri = JSON.parse(lastLine(put.stdout)).uri
  })
  for (const file of files.filter(f => !f.rs)) {
    const manifest = await readManifest(file.uri, createNetworkSource(probe, { signal: AbortSignal.timeout(30_000) })) as FileManifest
    file.chunks = [parseCapability(file.uri).cid, ...manifest.chunks.map(c => c.cid)]
  }
  assert.equal(await shortChunks(), [])
  assert.equal(await shortStripes(), [])
})

test('three rounds of kill -9 of 2 vaults and 2 joining, 2 repair periods apart: every chunk back on its 3 closest live vaults, every file exact', async () => {
  const started = Date.now()
  const total = files.reduce((n, f) => n + f.chunks.length, 0)
  for (let round = 1; round <= ROUNDS; round++) {
    await readCounters()
    // the two live vaults holding the most chunks (node 0 is everyone's bootstrap and stays)
    const held = await Promise.all([...alive].map(async node => ({ node, status: await nodeStatus(node) })))
    const victims = held.filter(h => h.node.index !== 0).sort((a, b) => b.status.store.chunks - a.status.store.chunks).slice(0, 2)
    for (const { node, status } of victims) {
      await kill(node.process, 'SIGKILL')
      alive.delete(node)
      bytesLost += status.store.bytes
    }
    for (let i = 0; i < 2; i++) alive.add(await net.add())
    await sleep(2 * PERIOD_MS)
    const short = await shortChunks()
    const stripes = await shortStripes()
    console.log(`  round ${round}: killed ${victims.map(v => `node ${v.node.index} (${v.status.store.chunks} chunks)`).join(', ')}; after 2 periods ${short.length} of ${total} replicated chunks short, ${stripes.length} of ${FILES / 2} rs files short`)
  }
  // a chunk moved to a vault that joined late in the last round may need one more period
  const everyShort = async (): Promise<string[]> => [...await shortChunks(), ...await shortStripes()]
  let short = await everyShort()
  const deadline = Date.now() + 2 * PERIOD_MS
  while (short.length > 0 && Date.now() < deadline) {
    await sleep(2_000)
    short = await everyShort()
  }
  assert.equal(short, [], 'chunks or stripes not back at target')
  const atTarget = (Date.now() - started) / 1000

  const live = [...alive]
  await inParallel(files.map((file, i) => ({ file, i })), 4, async ({ file, i }) => {
    const out = join(work, `got-${i}.bin`)
    const get = await shoal(['get', file.uri, '-o', out, '--bootstrap', live[i % live.length].address, '--data', join(work, `reader-${i % 4}`)], { timeoutMs: 120_000 })
    assert.is(get.code, 0, get.stderr)
    assert.is(sha(await readFile(out)), sha(file.bytes), `file ${i}`)
  })
  await readCounters()
  const sum = (field: 'chunksRepaired' | 'repairBytesSent' | 'handedOff'): number => [...counters.values()].reduce((n, c) => n + c[field], 0)
  console.log(`  ${total} chunks, every one at target ${atTarget.toFixed(0)} s after the first kill; repaired ${sum('chunksRepaired')} chunks, ${(sum('repairBytesSent') / 2 ** 20).toFixed(1)} MiB sent for repair against ${(bytesLost / 2 ** 20).toFixed(1)} MiB lost with the killed vaults; ${sum('handedOff')} handed off`)
})

test.run()
