// Placement and the network source over the in-memory network (virtual clock, seeded):
// where chunks land, what the source does when holders fail, lie or are gone.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { PeerId } from '@libp2p/interface'
import { chunkKey, createNetworkSink, createNetworkSource, sortByDistance, HAS_FIRST_ABOVE, type NetworkSink } from '../src/memory.js'
import { countRequests, holdersOf, memoryTestnet, seededChunk, type Chunk, type MemoryTestnet } from './memory-helpers.js'

const KiB = 1024
// node 2 offers 4 KiB: every chunk is bigger, so placement must pass it by
const TINY = 2

let t: MemoryTestnet
let sink: NetworkSink
const chunks: Chunk[] = []

test.before(async () => {
  t = await memoryTestnet({ nodes: 6, seed: 11, latencyMs: () => 5, spaceOf: i => i === TINY ? 4 * KiB : undefined })
})
test.after(async () => { await t.net.stop() })

function assertBytes (actual: Uint8Array | null, expected: Uint8Array): void {
  assert.ok(actual !== null, 'got the chunk')
  assert.ok(Buffer.from(actual).equals(expected), 'byte-exact')
}
const ids = (peers: PeerId[]): string[] => peers.map(String)
const nodeIndex = (peer: PeerId | string): number => t.nodes.findIndex(n => n.peerId.toString() === peer.toString())

test('20 chunks with replicas 3 land on exactly the 3 closest nodes with space', async () => {
  await t.clock.run(async () => {
    sink = createNetworkSink(t.nodes[0], { replicas: 3, clock: t.clock, random: t.random })
    for (let i = 0; i < 20; i++) chunks.push(seededChunk(t.random, 8 * KiB + i * 1024))
    assert.equal(await Promise.all(chunks.map(async c => await sink.put(c.cid, c.bytes))), chunks.map(() => true))
    let skippedTiny = 0
    for (const chunk of chunks) {
      const ordered = sortByDistance(chunkKey(chunk.cid), t.nodes.map(n => n.peerId))
      if (ordered.slice(0, 3).some(p => nodeIndex(p) === TINY)) skippedTiny++
      const expected = ids(ordered.filter(p => nodeIndex(p) !== TINY).slice(0, 3))
      assert.equal(ids(sink.holders(chunk.cid)), expected, 'holders() are the 3 closest with space')
      assert.equal((await holdersOf(t.nodes, chunk)).sort(), [...expected].sort(), 'exactly those hold it')
    }
    assert.ok(skippedTiny > 0, 'the tiny vault was among the closest for some chunk and was passed by')
    assert.is((await t.nodes[TINY].store?.stats())?.chunks, 0)
    assert.is(await sink.put(chunks[0].cid, chunks[0].bytes), false, 'put again: every holder has it')
  })
})

test('a source on another node gets every chunk back byte-exact; a chunk nobody holds is null', async () => {
  await t.clock.run(async () => {
    const source = createNetworkSource(t.nodes[5], { clock: t.clock, random: t.random })
    for (const chunk of chunks) assertBytes(await source.get(chunk.cid), chunk.bytes)
    assert.is(await source.get(seededChunk(t.random, 100).cid), null)
  })
})

test('a holder that errs or sends bytes not matching the CID is passed by: the next holder answers', async () => {
  const chunk = chunks.find(c => nodeIndex(sink.holders(c.cid)[0]) !== 5) as Chunk
  const [liar, broken] = sink.holders(chunk.cid).map(p => t.net.node(p)!)
  liar.behave(async (request, _from, honest) => request.type === 'get' ? { type: 'data', id: request.id, bytes: seededChunk(t.random, chunk.bytes.length).bytes } : await honest(request))
  broken.behave(async request => ({ type: 'err', id: request.id, code: 'INTEGRITY', message: 'stored blob is corrupt' }))
  try {
    await t.clock.run(async () => {
      assertBytes(await createNetworkSource(t.nodes[5], { clock: t.clock, random: t.random }).get(chunk.cid), chunk.bytes)
    })
  } finally {
    liar.behave(null)
    broken.behave(null)
  }
})

test('a small chunk goes straight to PUT; a bigger one asks HAS first, so putting it again sends no bytes', async () => {
  // a chunk whose 3 closest nodes all have space, put from a node not among them: each replica is then one request
  const placed = (size: number): { chunk: Chunk, sink: NetworkSink } => {
    for (let tries = 0; tries < 1000; tries++) {
      const chunk = seededChunk(t.random, size)
      const closest = sortByDistance(chunkKey(chunk.cid), t.nodes.map(n => n.peerId)).slice(0, 3).map(nodeIndex)
      if (closest.includes(TINY)) continue
      const uploader = t.nodes.findIndex((_, i) => i !== TINY && !closest.includes(i))
      return { chunk, sink: createNetworkSink(t.nodes[uploader], { replicas: 3, clock: t.clock, random: t.random }) }
    }
    throw new Error('no chunk in 1000 whose 3 closest nodes all have space')
  }
  await t.clock.run(async () => {
    const asked = (from: number): { has: number, put: number } => ({ has: countRequests(t.net, 'has', from), put: countRequests(t.net, 'put', from) })
    const small = placed(HAS_FIRST_ABOVE)
    let mark = t.net.trace.length
    assert.is(await small.sink.put(small.chunk.cid, small.chunk.bytes), true)
    assert.equal(asked(mark), { has: 0, put: 3 }, 'small: three PUTs, no HAS')
    assert.is(await small.sink.put(small.chunk.cid, small.chunk.bytes), false, 'put again: the holders answer that they have it')
    const big = placed(HAS_FIRST_ABOVE + 1)
    mark = t.net.trace.length
    assert.is(await big.sink.put(big.chunk.cid, big.chunk.bytes), true)
    assert.equal(asked(mark), { has: 3, put: 3 }, 'bigger: HAS to the three closest, then three PUTs')
    mark = t.net.trace.length
    assert.is(await big.sink.put(big.chunk.cid, big.chunk.bytes), false)
    assert.equal(asked(mark), { has: 3, put: 0 }, 'put again: HAS only, no bytes sent')
  })
})

test('with 2 of a chunk\'s 3 holders down (one refusing connections, one silent), the source still gets it within its deadlines', async () => {
  const chunk = chunks.find(c => sink.holders(c.cid).every(p => nodeIndex(p) !== 5)) as Chunk
  assert.ok(chunk !== undefined, 'some chunk is not held by the reader')
  const [first, second] = sink.holders(chunk.cid).map(p => t.net.node(p)!)
  first.kill()
  second.kill({ silent: true })
  try {
    await t.clock.run(async () => {
      const started = t.clock.now()
      const source = createNetworkSource(t.nodes[5], { clock: t.clock, random: t.random, requestTimeoutMs: 2_000 })
      assertBytes(await source.get(chunk.cid), chunk.bytes)
      assert.ok(t.clock.now() - started < 2_500, `one request deadline for the silent holder, not more (${t.clock.now() - started} ms)`)
    })
  } finally {
    first.revive()
    second.revive()
  }
})

test('a source whose seeded view of the network misses the holder looks once more and finds it', async () => {
  const chunk = seededChunk(t.random, 10_000)
  await t.clock.run(async () => {
    assert.ok(await t.nodes[3].store?.put(chunk.cid, chunk.bytes))
    const source = createNetworkSource(t.nodes[0], { network: [t.nodes[1].peerId], clock: t.clock, random: t.random })
    assertBytes(await source.get(chunk.cid), chunk.bytes)
  })
})

test.run()
