// What the repair loop asks of other vaults while nothing changes (settled.ts, batch.ts):
// a settled chunk's holders are asked again each period and its other candidates only at
// a full round, yet a holder or an actor that goes down is replaced within a period, as
// with a full round every period; audits come at a rate per chunk visited.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chunkKey, sortByDistance, type MemoryNode } from '../src/memory.js'
import { createSettledViews } from '../src/repair/settled.js'
import type { RepairOptions } from '../src/repair/repairer.js'
import { countRequests, periods, placeLeased, repairTestnet, seededChunk, type Chunk, type MemoryTestnet } from './memory-helpers.js'

const KiB = 1024

async function placedTestnet (seed: number, repair: Partial<RepairOptions> = {}): Promise<{ t: MemoryTestnet, chunks: Chunk[] }> {
  const t = await repairTestnet(12, seed, repair)
  const chunks = Array.from({ length: 30 }, (_, i) => seededChunk(t.random, 2 * KiB + i))
  for (const chunk of chunks) await placeLeased(t.nodes, chunk)
  return { t, chunks }
}

/** HAS requests and the (peer, chunk) questions they carry, in the trace from `from` on. */
function hasAsked (t: MemoryTestnet, from: number): { requests: number, questions: number } {
  const lines = t.net.trace.slice(from).filter(line => line.split(' ')[2] === 'has')
  return { requests: lines.length, questions: lines.reduce((sum, line) => sum + line.split(' ')[3].split(',').length, 0) }
}

/** The 3 closest live vaults to each chunk hold it. */
async function allAtTarget (t: MemoryTestnet, chunks: Chunk[]): Promise<boolean> {
  for (const chunk of chunks) {
    const closest = sortByDistance(chunkKey(chunk.cid), t.nodes.filter(n => n.up).map(n => n.peerId)).slice(0, 3)
    for (const peer of closest) if (await t.net.node(peer)?.store?.has(chunk.cid) !== true) return false
  }
  return true
}

/** The vault that is the closest holder (the actor) of the most chunks. */
function busiestActor (t: MemoryTestnet, chunks: Chunk[]): MemoryNode {
  const acts = new Map<MemoryNode, number>()
  for (const chunk of chunks) {
    const [first] = sortByDistance(chunkKey(chunk.cid), t.nodes.map(n => n.peerId))
    const node = t.net.node(first) as MemoryNode
    acts.set(node, (acts.get(node) ?? 0) + 1)
  }
  return [...acts].sort((a, b) => b[1] - a[1])[0][0]
}

test('settled views: kept while young and the candidates are the same, the oldest dropped past the limit', () => {
  const views = createSettledViews(2)
  const view = (until: number): Parameters<typeof views.set>[1] => ({ candidates: ['a', 'b'], holds: new Map(), watched: ['a'], holders: ['a'], until })
  views.set('x', view(100))
  assert.ok(views.get('x', ['a', 'b'], 99) !== undefined)
  assert.is(views.get('x', ['b', 'a'], 50), undefined, 'another order of candidates is another neighbourhood')
  assert.is(views.get('x', ['a', 'b'], 50), undefined, 'and the view is gone')
  views.set('x', view(100))
  assert.is(views.get('x', ['a', 'b'], 100), undefined, 'expired')
  views.set('x', view(100))
  views.set('y', view(100))
  views.set('z', view(100))
  assert.is(views.size, 2)
  assert.is(views.get('x', ['a', 'b'], 0), undefined, 'the oldest went first')
  assert.ok(views.get('z', ['a', 'b'], 0) !== undefined)
  assert.is(createSettledViews(0).size, 0)
})

test('a settled network asks its holders only: fewer HAS questions than full rounds every period, nothing put, nothing lost', async () => {
  const asked: Array<{ requests: number, questions: number }> = []
  for (const settledPeriods of [1, 12]) {
    const { t, chunks } = await placedTestnet(61, { settledPeriods })
    try {
      await periods(t, 2)
      const from = t.net.trace.length
      await periods(t, 4)
      asked.push(hasAsked(t, from))
      assert.is(countRequests(t.net, 'put', from), 0, 'nothing changed: nothing is put')
      assert.ok(await allAtTarget(t, chunks))
    } finally { await t.net.stop() }
  }
  const [full, settled] = asked
  // each holder asks the actor (the actor every other holder): 4 of 18 questions a chunk, not 6 candidates each
  assert.ok(settled.questions < full.questions * 0.5, `questions: ${settled.questions} settled against ${full.questions} full`)
  assert.ok(settled.requests < full.requests, `requests: ${settled.requests} settled against ${full.requests} full`)
})

for (const who of ['an actor', 'a holder that is not the actor'] as const) {
  test(`${who} going down while its chunks are settled is replaced within one period, as with a full round every period`, async () => {
    for (const settledPeriods of [1, 12]) {
      const { t, chunks } = await placedTestnet(62, { settledPeriods })
      try {
        await periods(t, 3)
        const actor = busiestActor(t, chunks)
        const victim = who === 'an actor'
          ? actor
          : t.nodes.find(n => n !== actor && chunks.some(c => sortByDistance(chunkKey(c.cid), t.nodes.map(m => m.peerId)).slice(1, 3).some(p => p.equals(n.peerId)))) as MemoryNode
        victim.kill() // down, not gone: it is still a candidate, so only the HAS round can tell
        assert.not.ok(await allAtTarget(t, chunks), 'some chunk is short')
        await periods(t, 1)
        assert.ok(await allAtTarget(t, chunks), `settledPeriods ${settledPeriods}: every chunk is back on its 3 closest live vaults`)
      } finally { await t.net.stop() }
    }
  })
}

test('audits come at their chance per chunk visited: about 1 in 8 of the holders each period, none at chance 0', async () => {
  const audits: number[] = []
  for (const auditChance of [0, 1 / 8]) {
    const { t } = await placedTestnet(63, { auditChance })
    try {
      const from = t.net.trace.length
      await periods(t, 16)
      audits.push(countRequests(t.net, 'audit', from))
    } finally { await t.net.stop() }
  }
  // 30 chunks × 3 holders, each auditing its 2 others 16 times with chance 1/8: 360
  assert.is(audits[0], 0)
  assert.ok(audits[1] > 200 && audits[1] < 550, `${audits[1]} audits`)
})

test.run()
