// The churn scenario on 200 in-memory vaults (virtual clock, seeded): three rounds of two
// vaults killed, two new ones joining and two repair periods; after them every chunk is on
// its 3 closest live vaults with its exact bytes.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chunkKey, sortByDistance, type MemoryNode } from '../src/memory.js'
import { keepingLeases, memoryTestnet, placeLeased, seededChunk } from './memory-helpers.js'

const INTERVAL = 10_000

test('200 vaults, 3 rounds of kill 2 / add 2 / two periods: every chunk back at 3 exact copies on its closest live vaults', async () => {
  const t = await memoryTestnet({ nodes: 200, seed: 31, latencyMs: () => 2, repair: { intervalMs: INTERVAL } })
  const keep = (node: MemoryNode): void => { node.behave(keepingLeases(node.store as NonNullable<MemoryNode['store']>)) }
  try {
    t.nodes.forEach(keep)
    const chunks = Array.from({ length: 300 }, (_, i) => seededChunk(t.random, 1024 + i))
    for (const chunk of chunks) await placeLeased(t.nodes, chunk)
    for (let round = 0; round < 3; round++) {
      // the two vaults holding the most chunks
      const load = await Promise.all(t.nodes.map(async n => n.up ? (await Promise.all(chunks.map(async c => await n.store?.has(c.cid)))).filter(Boolean).length : -1))
      const victims = t.nodes.map((n, i) => ({ n, held: load[i] })).sort((a, b) => b.held - a.held).slice(0, 2)
      for (const { n } of victims) n.kill()
      keep(await t.net.add())
      keep(await t.net.add())
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
  } finally { await t.net.stop() }
})

test.run()
