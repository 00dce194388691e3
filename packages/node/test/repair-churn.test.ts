// The churn scenario on 200 in-memory vaults (virtual clock, seeded): three rounds of two
// vaults killed, two new ones joining and two repair periods; after them every chunk is on
// its 3 closest live vaults with its exact bytes, and every rs:4+2 stripe has its six
// pieces exact on six distinct vaults among its six closest live ones.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chunkKey, sortByDistance, type MemoryNode } from '../src/memory.js'
import { memoryTestnet, placeLeased, placeStripe, seededChunk, type PlacedStripe } from './memory-helpers.js'

const INTERVAL = 10_000

test('200 vaults, 3 rounds of kill 2 / add 2 / two periods: every chunk back at 3 exact copies and every rs:4+2 stripe at 6 exact pieces on its closest live vaults', async () => {
  const t = await memoryTestnet({ nodes: 200, seed: 31, latencyMs: () => 2, repair: { intervalMs: INTERVAL } })
  try {
    const chunks = Array.from({ length: 300 }, (_, i) => seededChunk(t.random, 1024 + i))
    for (const chunk of chunks) await placeLeased(t.nodes, chunk)
    const stripes: PlacedStripe[] = []
    for (let s = 0; s < 40; s++) stripes.push(await placeStripe(t.nodes, Array.from({ length: 4 }, (_, i) => seededChunk(t.random, 1500 + 10 * s + i)), 2))
    const blobs = [...chunks, ...stripes.flatMap(s => s.pieces)]
    for (let round = 0; round < 3; round++) {
      // the two vaults holding the most chunks and pieces
      const load = await Promise.all(t.nodes.map(async n => n.up ? (await Promise.all(blobs.map(async c => await n.store?.has(c.cid)))).filter(Boolean).length : -1))
      const victims = t.nodes.map((n, i) => ({ n, held: load[i] })).sort((a, b) => b.held - a.held).slice(0, 2)
      for (const { n } of victims) n.kill()
      await t.net.add()
      await t.net.add()
      await t.clock.run(async () => { await t.clock.sleep(2 * INTERVAL + INTERVAL / 2) })
    }
    const live = t.nodes.filter(n => n.up)
    for (const chunk of chunks) {
      const closest = sortByDistance(chunkKey(chunk.cid), live.map(n => n.peerId)).slice(0, 3)
      for (const peer of closest) {
        const node = t.net.node(peer) as MemoryNode
        const bytes = await node.store?.get(chunk.cid)
        assert.ok(bytes != null && Buffer.from(bytes).equals(chunk.bytes), `${chunk.cid.toString()} exact on ${node.name}`)
      }
    }
    for (const stripe of stripes) {
      const set = sortByDistance(stripe.key, live.map(n => n.peerId)).slice(0, 6).map(p => t.net.node(p) as MemoryNode)
      // the six closest hold the six pieces, one each, exact (pieces are distinct here)
      const held = await Promise.all(set.map(async node => {
        const exact = await Promise.all(stripe.pieces.map(async p => Buffer.from(await node.store?.get(p.cid).catch(() => null) ?? []).equals(p.bytes)))
        return exact.flatMap((ok, index) => ok ? [index] : [])
      }))
      assert.equal(held.map(h => h.length), [1, 1, 1, 1, 1, 1], `stripe ${stripe.pieces[0].cid.toString()}: one piece on each of its six closest live vaults`)
      assert.equal(held.flat().sort(), [0, 1, 2, 3, 4, 5])
    }
    const rebuilt = t.nodes.reduce((sum, n) => sum + (n.repairer?.metrics().piecesRebuilt ?? 0), 0)
    assert.ok(rebuilt > 0, `pieces lost with the killed vaults were rebuilt (${rebuilt})`)
  } finally { await t.net.stop() }
})

test.run()
