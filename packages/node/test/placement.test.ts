import { readFile, writeFile } from 'node:fs/promises'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { PeerId } from '@libp2p/interface'
import { PeerIntegrityError, RemoteError, chunkKey, createNetworkSink, createNetworkSource, sortByDistance, type NetworkSink } from '../src/index.js'
import { HAS_FIRST_ABOVE } from '../src/placement.js'
import { blobPath, randomChunk, startNodes, waitForMesh, KiB, type Chunk, type Testnet } from './helpers.js'

let net: Testnet
let sink: NetworkSink
const chunks: Chunk[] = []
// chunks a test damaged on one of their holders (that holder no longer has them)
const damaged = new Set<Chunk>()
// node 2 offers 4 KiB: every chunk is bigger, so placement must pass it by
const TINY = 2

test.before(async () => {
  net = await startNodes(6, { init: i => i === TINY ? { space: 4 * KiB } : {} })
  await waitForMesh(net)
})
test.after(async () => { await net.stop() })

function assertBytes (actual: Uint8Array | null, expected: Uint8Array): void {
  assert.ok(actual !== null, 'got the chunk')
  assert.ok(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected), 'byte-exact')
}
const ids = (peers: PeerId[]): string[] => peers.map(String)
const nodeIndex = (peer: PeerId | string): number => net.nodes.findIndex(n => n.peerId.toString() === peer.toString())

async function holdersOnDisk (chunk: Chunk): Promise<string[]> {
  const a = net.nodes[0]
  // a node cannot dial itself: ask node 0's own store
  const held = await Promise.all(net.nodes.map(async n => n === a
    ? await a.store?.has(chunk.cid) === true
    : (await a.chunks.has(n.peerId, [chunk.cid], { signal: AbortSignal.timeout(5_000) }))[0]))
  return net.nodes.filter((_, i) => held[i]).map(n => n.peerId.toString())
}

test('closestPeers lists every node, itself included, XOR-closest first', async () => {
  const key = chunkKey(randomChunk(16).cid)
  const found = await net.nodes[0].closestPeers(key, 10, { signal: AbortSignal.timeout(5_000) })
  assert.equal(ids(found), ids(sortByDistance(key, net.nodes.map(n => n.peerId))))
})

test('20 chunks with replicas 3 land on exactly the 3 closest nodes with space', async () => {
  const a = net.nodes[0]
  sink = createNetworkSink(a, { replicas: 3, signal: AbortSignal.timeout(60_000) })
  for (let i = 0; i < 20; i++) chunks.push(randomChunk(8 * KiB + i * 1024))
  const results = await Promise.all(chunks.map(async c => await sink.put(c.cid, c.bytes)))
  assert.equal(results, chunks.map(() => true))
  let skippedTiny = 0
  for (const chunk of chunks) {
    const ordered = sortByDistance(chunkKey(chunk.cid), net.nodes.map(n => n.peerId))
    if (ordered.slice(0, 3).some(p => nodeIndex(p) === TINY)) skippedTiny++
    const expected = ids(ordered.filter(p => nodeIndex(p) !== TINY).slice(0, 3))
    assert.equal(ids(sink.holders(chunk.cid)), expected, 'holders() are the 3 closest with space')
    assert.equal((await holdersOnDisk(chunk)).sort(), [...expected].sort(), 'exactly those hold it')
  }
  assert.ok(skippedTiny > 0, 'the tiny vault was among the closest for some chunk and was passed by')
  assert.is((await net.nodes[TINY].store?.stats())?.chunks, 0)
  // putting again: all holders already have it
  assert.is(await sink.put(chunks[0].cid, chunks[0].bytes), false)
})

test('a source on another node gets every chunk back byte-exact', async () => {
  const source = createNetworkSource(net.nodes[5], { signal: AbortSignal.timeout(60_000) })
  for (const chunk of chunks) assertBytes(await source.get(chunk.cid), chunk.bytes)
  assert.is(source.blamed().size, 0)
  assert.is(await source.get(randomChunk(100).cid), null, 'a chunk nobody holds is null')
})

test('a holder with a corrupt blob is blamed and the next holder answers', async () => {
  const f = net.nodes[5]
  // a chunk whose closest holder is neither the reader nor node 0
  const chunk = chunks.find(c => ![0, 5].includes(nodeIndex(sink.holders(c.cid)[0])))
  assert.ok(chunk !== undefined)
  const bad = nodeIndex(sink.holders(chunk.cid)[0])
  damaged.add(chunk)
  const file = blobPath(net.dirs[bad], chunk.cid)
  const blob = await readFile(file)
  blob[blob.length >> 1] ^= 0xff
  await writeFile(file, blob)
  const source = createNetworkSource(f, { signal: AbortSignal.timeout(30_000) })
  assertBytes(await source.get(chunk.cid), chunk.bytes)
  const blamed = source.blamed()
  assert.equal([...blamed.keys()], [net.nodes[bad].peerId.toString()])
  // the vault verifies on read, so the holder reports its own corruption instead of sending it
  assert.instance(blamed.get(net.nodes[bad].peerId.toString()), RemoteError)
})

test('a holder that sends bytes not matching the CID is blamed and the next holder answers', async () => {
  const chunk = chunks.find(c => nodeIndex(sink.holders(c.cid)[0]) !== 5)
  assert.ok(chunk !== undefined)
  const liar = net.nodes[nodeIndex(sink.holders(chunk.cid)[0])]
  const store = liar.store
  assert.ok(store !== null)
  // the vault verifies what it reads from disk, so swap its answer in memory
  const realGet = store.get.bind(store)
  store.get = async () => randomChunk(chunk.bytes.length).bytes
  try {
    const source = createNetworkSource(net.nodes[5], { signal: AbortSignal.timeout(30_000) })
    assertBytes(await source.get(chunk.cid), chunk.bytes)
    assert.equal([...source.blamed().keys()], [liar.peerId.toString()])
    assert.instance(source.blamed().get(liar.peerId.toString()), PeerIntegrityError)
    // blamed for the life of the source: not asked again, even for another chunk it holds
    let asked = 0
    store.get = async (...args) => { asked++; return await realGet(...args) }
    const other = chunks.find(c => c !== chunk && !damaged.has(c) && sink.holders(c.cid)[0].equals(liar.peerId))
    if (other !== undefined) assertBytes(await source.get(other.cid), other.bytes)
    assert.is(asked, 0, 'the liar is not asked again')
  } finally {
    store.get = realGet
  }
})

test('a small chunk goes straight to PUT; a bigger one asks HAS first, so putting it again sends no bytes', async () => {
  const asked = { has: 0, put: 0 }
  // a node's real chunk client, counting the requests placement makes through it
  const countingSink = (uploader: number): NetworkSink => {
    const node = net.nodes[uploader]
    const client = new Proxy(node.chunks, {
      get (target, prop) {
        const value = Reflect.get(target, prop) as unknown
        if (typeof value !== 'function') return value
        if (prop !== 'has' && prop !== 'put') return value.bind(target)
        return async (...args: unknown[]) => { asked[prop]++; return await value.apply(target, args) }
      }
    })
    return createNetworkSink({ peerId: node.peerId, store: node.store, chunks: client, closestPeers: node.closestPeers.bind(node) }, { replicas: 3, signal: AbortSignal.timeout(30_000) })
  }
  // A chunk whose 3 closest nodes all have space, put from a node not among them: each
  // replica is then exactly one request. (XOR distance splits six nodes into halves by
  // their IDs' top bits, so which nodes can be a chunk's 3 closest depends on the run.)
  const placed = (size: number): { chunk: Chunk, sink: NetworkSink } => {
    for (let tries = 0; tries < 1000; tries++) {
      const chunk = randomChunk(size)
      const closest = sortByDistance(chunkKey(chunk.cid), net.nodes.map(n => n.peerId)).slice(0, 3).map(nodeIndex)
      if (closest.includes(TINY)) continue
      const uploader = net.nodes.findIndex((_, i) => i !== TINY && !closest.includes(i))
      return { chunk, sink: countingSink(uploader) }
    }
    throw new Error('no chunk in 1000 whose 3 closest nodes all have space')
  }
  const small = placed(HAS_FIRST_ABOVE)
  assert.is(await small.sink.put(small.chunk.cid, small.chunk.bytes), true)
  assert.equal(asked, { has: 0, put: 3 }, 'small: three PUTs, no HAS')
  assert.is(await small.sink.put(small.chunk.cid, small.chunk.bytes), false, 'put again: the holders answer that they have it')
  const big = placed(HAS_FIRST_ABOVE + 1)
  asked.has = asked.put = 0
  assert.is(await big.sink.put(big.chunk.cid, big.chunk.bytes), true)
  assert.equal(asked, { has: 3, put: 3 }, 'bigger: HAS to the three closest, then three PUTs')
  asked.has = asked.put = 0
  assert.is(await big.sink.put(big.chunk.cid, big.chunk.bytes), false)
  assert.equal(asked, { has: 3, put: 0 }, 'put again: HAS only, no bytes sent')
})

test('the last holder of a chunk, blamed for one failed request, is asked once more', async () => {
  // a fresh chunk (earlier tests damaged blobs of theirs), and a reader that does not hold it
  const chunk = randomChunk(8 * KiB)
  assert.is(await sink.put(chunk.cid, chunk.bytes), true)
  const [good, ...down] = sink.holders(chunk.cid).map(String)
  const reader = net.nodes.find((n, i) => i !== TINY && !sink.holders(chunk.cid).some(p => p.equals(n.peerId))) as (typeof net.nodes)[number]
  const asks = new Map<string, number>()
  // its own chunk client, with faults: two holders are unreachable, the third fails once
  const client = new Proxy(reader.chunks, {
    get (target, prop) {
      const value = Reflect.get(target, prop) as unknown
      if (typeof value !== 'function') return value
      if (prop !== 'get') return value.bind(target)
      return async (peer: PeerId, ...rest: unknown[]) => {
        const n = (asks.get(peer.toString()) ?? 0) + 1
        asks.set(peer.toString(), n)
        if (down.includes(peer.toString()) || (peer.toString() === good && n === 1)) throw new Error('connection reset')
        return await value.apply(target, [peer, ...rest])
      }
    }
  })
  const source = createNetworkSource({ peerId: reader.peerId, store: reader.store, chunks: client, closestPeers: reader.closestPeers.bind(reader) }, { signal: AbortSignal.timeout(30_000) })
  assertBytes(await source.get(chunk.cid), chunk.bytes)
  assert.is(asks.get(good), 2, 'failed once, asked again, answered')
  assert.ok(!source.blamed().has(good), 'and not blamed any more')
})

test('with 2 of a chunk\'s 3 holders stopped, the source still gets it', async () => {
  const f = net.nodes[5]
  const source = createNetworkSource(f, { signal: AbortSignal.timeout(30_000) })
  // a chunk the reader does not hold itself; look it up while all holders are up
  const chunk = chunks.find(c => !damaged.has(c) && sink.holders(c.cid).every(p => nodeIndex(p) !== 5))
  assert.ok(chunk !== undefined, 'some chunk is not held by the reader')
  const holders = sink.holders(chunk.cid).map(nodeIndex)
  assertBytes(await source.get(chunk.cid), chunk.bytes)
  await Promise.all(holders.slice(0, 2).map(async i => { await net.nodes[i].stop() }))
  // the same source still has the stopped holders first in its cached list
  const other = chunks.find(c => c !== chunk && !damaged.has(c) && sink.holders(c.cid).map(nodeIndex).includes(holders[0]) && sink.holders(c.cid).some(p => !holders.slice(0, 2).includes(nodeIndex(p))))
  assertBytes(await source.get(chunk.cid), chunk.bytes)
  if (other !== undefined) assertBytes(await source.get(other.cid), other.bytes)
  // a fresh source looks up again
  const fresh = createNetworkSource(f, { signal: AbortSignal.timeout(30_000) })
  assertBytes(await fresh.get(chunk.cid), chunk.bytes)
})

test.run()
