// Graceful leave over real processes: a vault that is the last live holder of chunks (its
// co-holders were killed with -9) hands them on before it goes, on SIGTERM and with
// `shoal node --drain`; it says how many it handed off, and every file still comes back
// exact. The repair loop runs once an hour here, so only the drain can save those chunks.
// (A vault joining closer receives its chunks by the repair loop: test/churn.test.ts.)
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { createNetworkSource, type ShoalNode } from '@shoal/node'
import { readManifest } from '@shoal/client'
import { parseCapability, type FileManifest } from '@shoal/manifest'
import type { CID } from 'multiformats/cid'
import { shoal } from './helpers/cli.js'
import { startProbe } from './helpers/probe.js'
import { createTestnet, kill, type Testnet, type TestnetNode } from './helpers/testnet.js'

const MiB = 1024 * 1024
let net: Testnet
let work = ''
let probe: ShoalNode
const files: Array<{ path: string, bytes: Buffer, uri: string, chunks: CID[] }> = []
const alive = new Set<TestnetNode>()
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const lastLine = (stdout: string): string => stdout.trim().split('\n').pop() as string

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-drain-'))
  net = await createTestnet({ nodes: 10, nodeFlags: ['--repair-interval', '1h', '--log-level', 'warn'], startTimeoutMs: 30_000 })
  for (const node of net.nodes) alive.add(node)
  probe = await startProbe(work, net.bootstrap)
  for (let i = 0; i < 12; i++) {
    const bytes = randomBytes(MiB + Math.floor(Math.random() * MiB))
    const path = join(work, `file-${i}.bin`)
    await writeFile(path, bytes)
    const put = await shoal(['put', path, '--bootstrap', net.bootstrap, '--data', join(work, 'client'), '--json'], { timeoutMs: 120_000 })
    if (put.code !== 0) throw new Error(put.stderr)
    const uri = JSON.parse(lastLine(put.stdout)).uri as string
    const manifest = await readManifest(uri, createNetworkSource(probe, { signal: AbortSignal.timeout(30_000) })) as FileManifest
    files.push({ path, bytes, uri, chunks: [parseCapability(uri).cid, ...manifest.chunks.map(c => c.cid)] })
  }
})
test.after(async () => {
  await probe?.stop()
  await net?.stop()
  await rm(work, { recursive: true, force: true })
})

/** Per chunk, the live vaults that say HAS. */
async function holders (): Promise<Map<string, TestnetNode[]>> {
  const out = new Map<string, TestnetNode[]>()
  const live = [...alive]
  for (const node of live) await probe.libp2p.peerStore.merge(peerIdFromString(node.peerId), { multiaddrs: [multiaddr(node.address)] })
  for (const cid of files.flatMap(f => f.chunks)) {
    const held = await Promise.all(live.map(async n => await probe.chunks.has(peerIdFromString(n.peerId), [cid], { signal: AbortSignal.timeout(10_000) }).then(([has]) => has, () => false)))
    out.set(cid.toString(), live.filter((_, i) => held[i]))
  }
  return out
}

/**
 * Picks a vault (never the bootstrap) and kills -9 the two others that share the most
 * chunks with it, so that it is the last holder of those; returns it and how many.
 */
async function isolate (): Promise<{ leaver: TestnetNode, only: number }> {
  const triples = new Map<string, { nodes: TestnetNode[], count: number }>()
  for (const held of (await holders()).values()) {
    if (held.length !== 3 || held.some(n => n.index === 0)) continue
    const key = held.map(n => n.index).sort().join(',')
    triples.set(key, { nodes: held, count: (triples.get(key)?.count ?? 0) + 1 })
  }
  const [best] = [...triples.values()].sort((a, b) => b.count - a.count)
  assert.ok(best !== undefined, 'no chunk held by three vaults other than the bootstrap')
  const [leaver, ...others] = best.nodes
  for (const node of others) { await kill(node.process, 'SIGKILL'); alive.delete(node) }
  const only = [...(await holders()).values()].filter(h => h.length === 1 && h[0] === leaver).length
  assert.ok(only >= best.count, `${leaver.index} is the last holder of ${only} chunks`)
  return { leaver, only }
}

async function everyFileExact (): Promise<void> {
  const via = [...alive][1].address
  for (const [i, file] of files.entries()) {
    const out = join(work, `got-${i}-${Date.now()}.bin`)
    const get = await shoal(['get', file.uri, '-o', out, '--bootstrap', via, '--data', join(work, 'reader')], { timeoutMs: 120_000 })
    assert.is(get.code, 0, `file ${i}: ${get.stderr}`)
    assert.is(sha(await readFile(out)), sha(file.bytes), `file ${i}`)
  }
}

test('SIGTERM: the last holder of some chunks hands them on before it stops, says so, exits 0; every file exact', async () => {
  const { leaver, only } = await isolate()
  let stdout = ''
  leaver.process.stdout?.on('data', (d: Buffer) => { stdout += d.toString() })
  const code = await kill(leaver.process, 'SIGTERM')
  alive.delete(leaver)
  assert.is(code, 0, leaver.stderr())
  const summary = (JSON.parse(lastLine(stdout)) as { drain: { handedOff: number, failed: number, seconds: number } }).drain
  assert.ok(summary.handedOff >= only && summary.failed === 0, `${only} only on it; ${JSON.stringify(summary)}`)
  console.log(`  SIGTERM: ${only} chunks only on the leaver; it handed off ${summary.handedOff} in ${summary.seconds} s`)
  await everyFileExact()
})

test('shoal node --drain: stopped at once, then run with --drain on its data dir: hands on what only it holds, prints it, exits 0; every file exact', async () => {
  const { leaver, only } = await isolate()
  await kill(leaver.process, 'SIGINT', 5_000, true) // twice: no drain on this stop
  const host = `127.0.0.${60 + leaver.index}`
  const drain = await shoal(['node', '--drain', '--data', leaver.dataDir, '--space', '256MiB', '--listen', `/ip4/${host}/tcp/0`, '--api', `${host}:0`,
    '--bootstrap', net.bootstrap, '--drain-timeout', '2m', '--log-level', 'warn'], { timeoutMs: 180_000 })
  alive.delete(leaver)
  assert.is(drain.code, 0, drain.stderr)
  const match = /^drain: (\d+) chunks handed off, (\d+) failed, ([\d.]+) s$/m.exec(drain.stdout)
  assert.ok(match !== null, drain.stdout)
  // what counts is that nothing is lost: every file exact once it is gone (its count of
  // chunks handed off once came one short of the chunks only it held, with none failed)
  assert.ok(Number(match[1]) > 0 && match[2] === '0', `${only} only on it; ${drain.stdout}`)
  console.log(`  --drain: ${only} chunks only on the leaver; ${drain.stdout.trim()}`)
  await everyFileExact()
})

test.run()
