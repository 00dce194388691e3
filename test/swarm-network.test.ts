// An 8-process testnet (r = 3): files of 0 B, 1 B, 3 MiB and 64 MiB and a directory tree
// go in through node A's daemon and come back through node H's daemon and through a
// short-lived client. Every chunk sits on exactly the 3 XOR-closest nodes (asked with
// HAS); a killed get resumes; after kill -9 of r-1 vaults everything still comes back;
// a holder with corrupted blobs is blamed and the file still comes back.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { createNetworkSource, chunkKey, sortByDistance, type ShoalNode } from '@shoal/node'
import { readManifest } from '@shoal/client'
import { parseCapability, type FileManifest } from '@shoal/manifest'
import type { CID } from 'multiformats/cid'
import { shoal, shoalBin } from './helpers/cli.js'
import { startProbe } from './helpers/probe.js'
import { createTestnet, kill, type Testnet, type TestnetNode } from './helpers/testnet.js'

const MiB = 1024 * 1024
const REPLICAS = 3
let net: Testnet
let work = ''
let probe: ShoalNode
const uris = new Map<string, string>()
const files: Array<{ name: string, bytes: Buffer }> = [
  { name: 'empty.bin', bytes: Buffer.alloc(0) },
  { name: 'one.bin', bytes: Buffer.from([42]) },
  { name: 'three.bin', bytes: randomBytes(3 * MiB) },
  { name: 'big.bin', bytes: randomBytes(64 * MiB) }
]
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const lastLine = (stdout: string): string => stdout.trim().split('\n').pop() as string
const bytesOf = (name: string): Buffer => (files.find(f => f.name === name) as { bytes: Buffer }).bytes

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-swarm-'))
  for (const f of files) await writeFile(join(work, f.name), f.bytes)
  await mkdir(join(work, 'tree', 'sub', 'deeper'), { recursive: true })
  await writeFile(join(work, 'tree', 'readme.txt'), 'shoal\n'.repeat(1000))
  await writeFile(join(work, 'tree', 'sub', 'data.bin'), randomBytes(1_500_000))
  await writeFile(join(work, 'tree', 'sub', 'deeper', 'empty'), '')
  net = await createTestnet({ nodes: 8 })
  probe = await startProbe(work, net.bootstrap)
})
test.after(async () => {
  await probe?.stop()
  await net?.stop()
  await rm(work, { recursive: true, force: true })
})

const nodeA = (): TestnetNode => net.nodes[0]
const nodeH = (): TestnetNode => net.nodes[7]
const clientArgs = (): string[] => ['--bootstrap', net.bootstrap, '--data', join(work, 'client')]

async function treeDigest (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const name of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, name.name)
    if (name.isDirectory()) out.push(`${name.name}/`, ...(await treeDigest(path)).map(l => `${name.name}/${l}`))
    else out.push(`${name.name} ${sha(await readFile(path))}`)
  }
  return out
}

test('put 0 B, 1 B, 3 MiB, 64 MiB and a directory through node A; get each through node H and a short-lived client', async () => {
  for (const f of [...files.map(f => f.name), 'tree']) {
    const put = await shoal(['put', join(work, f), '--data', nodeA().dataDir, '--json'], { timeoutMs: 300_000 })
    assert.is(put.code, 0, `${f}: ${put.stderr}`)
    uris.set(f, JSON.parse(lastLine(put.stdout)).uri)
  }
  for (const [f, uri] of uris) {
    for (const [how, args] of [['H', ['--data', nodeH().dataDir]], ['client', clientArgs()]] as const) {
      const out = join(work, `${f}.${how}.out`)
      const get = await shoal(['get', uri, '-o', out, '--json', ...args], { timeoutMs: 300_000 })
      assert.is(get.code, 0, `${f} via ${how}: ${get.stderr}`)
      if (f === 'tree') assert.equal(await treeDigest(out), await treeDigest(join(work, 'tree')), `tree via ${how}`)
      else assert.is(sha(await readFile(out)), sha(bytesOf(f)), `${f} via ${how}`)
    }
  }
})

async function chunksOf (name: string): Promise<CID[]> {
  const uri = uris.get(name) as string
  const manifest = await readManifest(uri, createNetworkSource(probe, { signal: AbortSignal.timeout(30_000) })) as FileManifest
  return [parseCapability(uri).cid, ...manifest.chunks.map(c => c.cid)]
}

async function holdersOf (cid: CID): Promise<string[]> {
  const held = await Promise.all(net.nodes.map(async n => n.process.exitCode === null && n.process.signalCode === null &&
    (await probe.chunks.has(peerIdFromString(n.peerId), [cid], { signal: AbortSignal.timeout(10_000) }))[0]))
  return net.nodes.filter((_, i) => held[i]).map(n => n.peerId)
}

test('every chunk is on exactly the 3 XOR-closest of the 8 nodes, asked with HAS', async () => {
  const everyone = net.nodes.map(n => peerIdFromString(n.peerId))
  let checked = 0
  for (const name of ['one.bin', 'three.bin', 'big.bin']) {
    for (const cid of await chunksOf(name)) {
      const expected = sortByDistance(chunkKey(cid), everyone).slice(0, REPLICAS).map(String).sort()
      assert.equal((await holdersOf(cid)).sort(), expected, `${name}: chunk ${cid.toString()}`)
      checked++
    }
  }
  // 64 MiB in chunks of 1 MiB on average (at most 4), plus the small files and manifests
  assert.ok(checked > 20, `checked ${checked} chunks`)
})

test('kill -9 of a get mid-download, run it again: it resumes, fetches less, and the file is exact', async () => {
  const out = join(work, 'resumed.out')
  const uri = uris.get('big.bin') as string
  const child = spawn(process.execPath, [shoalBin, 'get', uri, '-o', out, '--json', ...clientArgs()], { stdio: 'ignore' })
  const state = async (): Promise<boolean> => (await readdir(work)).some(n => n.startsWith('.resumed.out.shoal-') && n.endsWith('.state'))
  const deadline = Date.now() + 120_000
  while (!(await state())) {
    assert.ok(child.exitCode === null, 'the first get finished before it could be killed')
    assert.ok(Date.now() < deadline, 'no state file appeared')
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  await kill(child, 'SIGKILL')
  assert.not.ok(existsSync(out), 'nothing under the target name yet')
  const again = await shoal(['get', uri, '-o', out, '--json', ...clientArgs()], { timeoutMs: 300_000 })
  assert.is(again.code, 0, again.stderr)
  const stats = JSON.parse(lastLine(again.stdout)) as { resumedBytes: number, fetchedBytes: number }
  assert.ok(stats.resumedBytes > 0, `resumed ${stats.resumedBytes}`)
  assert.ok(stats.fetchedBytes < 64 * MiB, `fetched ${stats.fetchedBytes}`)
  assert.is(sha(await readFile(out)), sha(bytesOf('big.bin')))
  assert.equal((await readdir(work)).filter(n => n.startsWith('.resumed.out')), [], 'no partial or state file left')
})

test('kill -9 of r-1 = 2 vaults: every file still comes back intact through H and a client', async () => {
  await kill(net.nodes[2].process, 'SIGKILL')
  await kill(net.nodes[5].process, 'SIGKILL')
  for (const [f, uri] of uris) {
    for (const [how, args] of [['H', ['--data', nodeH().dataDir]], ['client', clientArgs()]] as const) {
      const out = join(work, `${f}.after-kill.${how}.out`)
      const get = await shoal(['get', uri, '-o', out, '--json', ...args], { timeoutMs: 300_000 })
      assert.is(get.code, 0, `${f} via ${how}: ${get.stderr}`)
      if (f === 'tree') assert.equal(await treeDigest(out), await treeDigest(join(work, 'tree')))
      else assert.is(sha(await readFile(out)), sha(bytesOf(f)), `${f} via ${how}`)
    }
  }
})

test('a byte flipped in blobs of the 64 MiB file on one live holder: get is exact, that holder is blamed', async () => {
  const cids = (await chunksOf('big.bin')).slice(1)
  // the live node holding most of the file's chunks, so the swarm is sure to ask it;
  // only chunks with another live holder are damaged (two vaults are down by now)
  const counts = new Map<string, CID[]>()
  for (const cid of cids) {
    const holders = await holdersOf(cid)
    if (holders.length < 2) continue
    for (const holder of holders) counts.set(holder, [...(counts.get(holder) ?? []), cid])
  }
  const [victim, held] = [...counts].filter(([peer]) => peer !== nodeH().peerId).sort((a, b) => b[1].length - a[1].length)[0]
  const node = net.nodes.find(n => n.peerId === victim) as TestnetNode
  for (const cid of held) {
    const hex = Buffer.from(cid.multihash.digest).toString('hex')
    const path = join(node.dataDir, 'vault', 'blobs', hex.slice(0, 2), hex.slice(2, 4), cid.toString())
    const blob = await readFile(path)
    blob[blob.length >> 1] ^= 0x01
    await writeFile(path, blob)
  }
  const out = join(work, 'flipped.out')
  const get = await shoal(['get', uris.get('big.bin') as string, '-o', out, '--json', ...clientArgs()], { timeoutMs: 300_000 })
  assert.is(get.code, 0, get.stderr)
  assert.is(sha(await readFile(out)), sha(bytesOf('big.bin')))
  const stats = JSON.parse(lastLine(get.stdout)) as { blamed: Array<{ holder: string, reason: string }> }
  assert.ok(stats.blamed.some(b => b.holder === victim), `blamed: ${JSON.stringify(stats.blamed)}`)
})

test.run()
