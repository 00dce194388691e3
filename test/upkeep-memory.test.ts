// check, repair, renew and rm of a capability's blocks (@shoal/client blocks.ts and
// upkeep.ts) on the in-memory network: pieces deleted from vaults' stores are found
// missing and rebuilt, a stripe short of k is named, rm frees what only its owner leased,
// a chunk another owner also leases stays, renew moves expiries on, and an rm leaves the
// blocks the owner's other kept files use.
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  blocksOf, blocksUsedBy, checkWalk, dropWalk, getStream, KeptFileUnreadableError, putStream, readManifest, renewWalk, StripeLayout, StripeLostError, walkBlocks,
  type BlockPeers
} from '@shoal/client'
import { parseCapability, type FileManifest } from '@shoal/manifest'
import { createMemoryNetwork, createNetworkSink, createNetworkSource, sortByDistance, type MemoryNetwork, type MemoryNode } from '@shoal/node/memory'
import { createVirtualClock, seededRandom, type VirtualClock } from '@shoal/runtime'
import { createMemoryStore } from '@shoal/store'
import { peerIdFromString } from '@libp2p/peer-id'

const MiB = 1024 * 1024
const CHUNKING = { minSize: 64 * 1024, avgSize: 128 * 1024, maxSize: 256 * 1024 }
const RS = { scheme: 'erasure' as const, k: 4, m: 2 }
const DAY = 24 * 3600_000

let net: MemoryNetwork
let clock: VirtualClock
const random = seededRandom(31)
const secret = random.bytes(32)
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** BlockPeers over a memory node, as the CLI's block-peers.ts is over a libp2p one. */
function peersOf (node: MemoryNode): BlockPeers {
  const source = createNetworkSource(node, { clock, random, requestTimeoutMs: 3_000 })
  return {
    clock,
    get: async (cid, o) => await source.get(cid, o),
    holders: async (cid, o) => await source.holders(cid, o),
    fetchFrom: async (h, cid, o) => await source.fetchFrom(h, cid, o),
    has: async (h, cids, o) => await source.has(h, cids, o),
    putTo: async (h, cid, bytes, target, leases) => await node.chunks.put(peerIdFromString(h), cid, bytes, { target, leases }),
    renew: async (h, cid, lease) => await node.chunks.renew(peerIdFromString(h), cid, lease),
    drop: async (h, cid, drop) => await node.chunks.drop(peerIdFromString(h), cid, drop)
  }
}

async function upload (node: MemoryNode, data: Uint8Array, redundancy: { scheme: 'erasure', k: number, m: number } | { scheme: 'replicate', replicas: number }): Promise<string> {
  return await clock.run(async () => (await putStream((async function * () { yield data })(), createNetworkSink(node, { clock, random }), {
    convergenceSecret: secret, workers: 0, compress: false, chunker: CHUNKING, redundancy
  })).uri)
}

async function download (node: MemoryNode, uri: string): Promise<string> {
  return await clock.run(async () => {
    const hash = createHash('sha256')
    for await (const part of getStream(uri, createNetworkSource(node, { clock, random, requestTimeoutMs: 3_000 }), { clock })) hash.update(part)
    return hash.digest('hex')
  })
}

/** The vault holding piece `index` of stripe `s` (the uploader's placement). */
function holderOf (layout: StripeLayout, s: number, index: number): MemoryNode {
  const vaults = net.nodes.filter(n => n.store !== null)
  const peers = sortByDistance(layout.key(s), vaults.map(n => n.peerId))
  return net.node(peers[index]) as MemoryNode
}

async function usedBytes (): Promise<number> {
  let bytes = 0
  for (const node of net.nodes) bytes += (await node.store?.stats())?.bytes ?? 0
  return bytes
}

test.before(async () => {
  clock = createVirtualClock()
  net = createMemoryNetwork({ clock, random, store: () => createMemoryStore({ space: 256 * MiB }), latencyMs: () => 5, lookupMs: 10 })
  for (let i = 0; i < 10; i++) await net.add({ repair: false })
})
test.after(async () => { await net.stop() })

test('rs:4+2: check walks manifest blocks and stripes; 2 pieces of every stripe deleted → exact, repair puts them back, 3 of one → named', async () => {
  const data = random.bytes(3 * MiB + 5)
  const uri = await upload(net.nodes[0], data, RS)
  const reader = net.nodes[9]
  const peers = peersOf(reader)
  const walk = await clock.run(async () => await walkBlocks(parseCapability(uri), peers))
  const stripes = walk.units.filter(u => u.kind === 'stripe')
  assert.ok(stripes.length >= 4, `${stripes.length} stripes`)
  assert.ok(walk.units.some(u => u.kind === 'chunk' && u.block.role === 'manifest'))
  const clean = await clock.run(async () => await checkWalk(walk, peers))
  assert.is(clean.short, 0, JSON.stringify(clean.units.filter(u => u.live < u.target)))
  assert.ok(clean.recoverable)

  const manifest = await clock.run(async () => await readManifest(uri, peers)) as FileManifest
  const layout = new StripeLayout(manifest)
  for (let s = 0; s < layout.count; s++) {
    const width = layout.pieces(s).length
    for (const index of [s % width, (s + 3) % width]) assert.ok(await holderOf(layout, s, index).store?.delete(layout.pieces(s)[index]))
  }
  assert.is(await download(reader, uri), sha(data))
  const short = await clock.run(async () => await checkWalk(walk, peers))
  assert.ok(short.recoverable)
  assert.is(short.short, layout.count)

  const repaired = await clock.run(async () => await checkWalk(walk, peers, { repair: { signer: net.nodes[0].leases, leaseMs: 90 * DAY, now: () => clock.now() } }))
  assert.is(repaired.units.reduce((n, u) => n + (u.repaired ?? 0), 0), 2 * layout.count)
  const after = await clock.run(async () => await checkWalk(walk, peers))
  assert.is(after.short, 0, JSON.stringify(after.units.filter(u => u.live < u.target)))

  // 3 pieces of stripe 1 gone (wherever they are now)
  for (const index of [0, 1, 4]) {
    const cid = layout.pieces(1)[index]
    for (const node of net.nodes) await node.store?.delete(cid)
  }
  const lost = await clock.run(async () => await checkWalk(walk, peers))
  assert.not.ok(lost.recoverable)
  assert.equal(lost.lost.map(u => [u.kind, u.index, u.missing]), [['stripe', 1, [0, 1, 4]]])
  try {
    await download(reader, uri)
    assert.unreachable('the get should fail')
  } catch (err) {
    assert.instance(err, StripeLostError)
    assert.match((err as Error).message, /stripe 1 /)
  }
})

test('rm frees what only its owner leases; a chunk another owner put too stays and still gets; renew moves expiries on', async () => {
  const data = random.bytes(MiB + 3)
  const before = await usedBytes()
  const uri = await upload(net.nodes[1], data, { scheme: 'replicate', replicas: 3 })
  assert.ok(await usedBytes() > before + 3 * MiB)
  // the same file by a second owner (same convergence secret: same chunks)
  assert.is(await upload(net.nodes[2], data, { scheme: 'replicate', replicas: 3 }), uri)
  const peers = peersOf(net.nodes[9])
  const walk = await clock.run(async () => await walkBlocks(parseCapability(uri), peers))

  const first = walk.units[walk.units.length - 1]
  assert.ok(first.kind === 'chunk')
  const expiry = async (): Promise<number[]> => {
    const out: number[] = []
    for (const node of net.nodes) {
      const record = await node.store?.record(first.block.cid)
      const mine = record?.leases.find(l => Buffer.from(l.owner).equals(Buffer.from(net.nodes[1].leases.owner)))
      if (mine !== undefined) out.push(mine.expires)
    }
    return out
  }
  const old = await expiry()
  assert.is(old.length, 3)
  await clock.advance(1000)
  const renewed = await clock.run(async () => await renewWalk(walk, peers, { signer: net.nodes[1].leases, leaseMs: 400 * DAY, now: () => clock.now() }))
  assert.is(renewed.done, walk.units.length)
  assert.is(renewed.notFound, 0)
  assert.ok((await expiry()).every(t => t > old[0] + 300 * DAY))

  const dropped = await clock.run(async () => await dropWalk(walk, peers, { signer: net.nodes[1].leases, now: () => clock.now() }))
  assert.is(dropped.done, walk.units.length)
  assert.is(await download(net.nodes[9], uri), sha(data), 'the other owner still leases every chunk')
  const held = await usedBytes()
  const gone = await clock.run(async () => await dropWalk(walk, peers, { signer: net.nodes[2].leases, now: () => clock.now() }))
  assert.is(gone.done, walk.units.length)
  assert.ok(await usedBytes() <= held - 3 * MiB, 'the last owner\'s rm frees the space')
})

test('rm of one of an owner\'s files with its other kept files\' blocks kept: those stay leased and the other file gets exact; the rest is freed', async () => {
  const owner = net.nodes[4]
  const shared = random.bytes(MiB)
  const longer = new Uint8Array([...shared, ...random.bytes(MiB / 2)])
  const removed = await upload(owner, shared, { scheme: 'replicate', replicas: 3 })
  const kept = await upload(owner, longer, { scheme: 'replicate', replicas: 3 })
  const peers = peersOf(net.nodes[9])
  const walk = await clock.run(async () => await walkBlocks(parseCapability(removed), peers))
  const keep = await clock.run(async () => await blocksUsedBy([parseCapability(kept)], peers))
  const mine = new Set(blocksOf(walk).map(b => b.cid.toString()))
  const both = [...mine].filter(cid => keep.has(cid)).length
  assert.ok(both > 0 && both < mine.size, `${both} of ${mine.size} blocks shared`)
  const before = await usedBytes()

  const report = await clock.run(async () => await dropWalk(walk, peers, { signer: owner.leases, now: () => clock.now(), keep }))
  assert.is(report.kept, both, 'every shared block kept, and counted')
  assert.is(report.done, mine.size - both, 'every other block dropped')
  assert.is(await download(net.nodes[9], kept), sha(longer), 'the kept file comes back exact')
  assert.ok(await usedBytes() < before, 'what only the removed file used is freed')
  try {
    await download(net.nodes[9], removed)
    assert.unreachable('the removed file should be gone')
  } catch (err) {
    assert.not.instance(err, assert.Assertion)
  }
  try {
    await clock.run(async () => await blocksUsedBy([parseCapability(removed), parseCapability(kept)], peers))
    assert.unreachable('the removed file cannot be walked')
  } catch (err) {
    assert.instance(err, KeptFileUnreadableError)
    assert.match((err as Error).message, /1 other kept file could not be read.*nothing was dropped/)
  }
})

test.run()
