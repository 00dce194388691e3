// Placement over version 2 on the in-memory network: every PUT carries its target and the
// uploader's signed lease, which the holders record; a stripe's pieces go to the k + m
// peers closest to its key, one per peer, a refused piece to the next peer with none.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { stripeKey, type Request, type Response } from '@shoal/protocol'
import { InsufficientHoldersError, createNetworkSink, sortByDistance } from '../src/memory.js'
import { memoryTestnet, seededChunk, type Chunk } from './memory-helpers.js'

test('a replicated put carries the uploader\'s lease, which every holder records with its target; the uploader counts what each holds for it', async () => {
  const t = await memoryTestnet({ nodes: 8, seed: 3 })
  try {
    await t.clock.run(async () => {
      const uploader = t.nodes[0]
      const sink = createNetworkSink(uploader, { replicas: 3, clock: t.clock, random: t.random, leaseMs: 1000 })
      const chunk = seededChunk(t.random, 40_000)
      assert.is(await sink.put(chunk.cid, chunk.bytes), true)
      const holders = sink.holders(chunk.cid)
      assert.is(holders.length, 3)
      for (const peer of holders) {
        const holder = t.net.node(peer)
        const record = await holder?.store?.record(chunk.cid)
        assert.equal(record?.leases.map(l => ({ owner: Buffer.from(l.owner), expires: l.expires, target: l.target })),
          [{ owner: Buffer.from(uploader.leases.owner), expires: t.clock.now() + 1000, target: { scheme: 'replicate', replicas: 3 } }], `${holder?.name} records the lease`)
        if (holder !== uploader) {
          const ledger = await uploader.ledger?.list()
          assert.is(ledger?.find(p => p.peer === peer.toString())?.record.storedBy, 40_000, `${holder?.name} stores it for the uploader`)
        }
      }
      // another target for the same chunk: the holders keep a lease for each
      const wider = seededChunk(t.random, 1000)
      assert.is(await sink.put(wider.cid, wider.bytes, { target: { scheme: 'replicate', replicas: 5 } }), true)
      assert.is(sink.holders(wider.cid).length, 5)
    })
  } finally {
    await t.net.stop()
  }
})

function stripe (t: Awaited<ReturnType<typeof memoryTestnet>>, count: number): Chunk[] {
  return Array.from({ length: count }, (_, i) => seededChunk(t.random, 5000 + i * 100))
}

test('a 4 + 2 stripe goes to the 6 peers closest to its key, piece i on the i-th, each recording its index', async () => {
  const t = await memoryTestnet({ nodes: 12, seed: 5 })
  try {
    await t.clock.run(async () => {
      const pieces = stripe(t, 6)
      const sink = createNetworkSink(t.nodes[0], { clock: t.clock, random: t.random })
      await sink.putStripe(pieces, { k: 4, m: 2 })
      const holders = pieces.map(p => sink.holders(p.cid)[0])
      const closest = sortByDistance(stripeKey(pieces.map(p => p.cid)), t.nodes.map(n => n.peerId)).slice(0, 6)
      assert.equal(holders.map(String), closest.map(String))
      for (const [i, peer] of holders.entries()) {
        const record = await t.net.node(peer)?.store?.record(pieces[i].cid)
        const target = record?.leases[0].target
        assert.ok(target?.scheme === 'erasure' && target.index === i && target.k === 4 && target.m === 2, `piece ${i}'s target`)
        assert.equal(target?.scheme === 'erasure' ? target.sizes : [], pieces.map(p => p.bytes.byteLength))
      }
    })
  } finally {
    await t.net.stop()
  }
})

test('a refused piece moves to the next closest peer holding no piece; the others stay where they belong', async () => {
  const t = await memoryTestnet({ nodes: 12, seed: 6 })
  try {
    await t.clock.run(async () => {
      const pieces = stripe(t, 6)
      const closest = sortByDistance(stripeKey(pieces.map(p => p.cid)), t.nodes.map(n => n.peerId))
      const full = t.net.node(closest[2])
      full?.behave(async (request: Request, _from, honest): Promise<Response> => request.type === 'put'
        ? { type: 'err', id: request.id, code: 'NO_SPACE', message: 'vault has no space for this chunk' }
        : await honest(request))
      const sink = createNetworkSink(t.nodes.find(n => !n.peerId.equals(closest[2])) ?? t.nodes[0], { clock: t.clock, random: t.random })
      await sink.putStripe(pieces, { k: 4, m: 2 })
      const holders = pieces.map(p => sink.holders(p.cid)[0])
      assert.equal(holders.map(String), [closest[0], closest[1], closest[6], closest[3], closest[4], closest[5]].map(String))
      assert.is(new Set(holders.map(String)).size, 6, 'distinct peers')
    })
  } finally {
    await t.net.stop()
  }
})

test('a stripe wider than the network fails with InsufficientHoldersError, never two pieces on one peer', async () => {
  const t = await memoryTestnet({ nodes: 5, seed: 7 })
  try {
    await t.clock.run(async () => {
      const sink = createNetworkSink(t.nodes[0], { clock: t.clock, random: t.random })
      try {
        await sink.putStripe(stripe(t, 6), { k: 4, m: 2 })
        assert.unreachable('6 pieces on 5 peers')
      } catch (err) {
        assert.instance(err, InsufficientHoldersError)
        assert.is((err as InsufficientHoldersError).stored, 5)
      }
    })
  } finally {
    await t.net.stop()
  }
})

test('an uploader past a vault\'s allowance is refused with DEBT there and placed elsewhere', async () => {
  const t = await memoryTestnet({ nodes: 6, seed: 8, ledger: { allowance: 10_000, maxDebt: 10_000 } })
  try {
    await t.clock.run(async () => {
      const uploader = t.nodes[0]
      const sink = createNetworkSink(uploader, { replicas: 5, clock: t.clock, random: t.random })
      const first = seededChunk(t.random, 8000)
      await sink.put(first.cid, first.bytes)
      const second = seededChunk(t.random, 8000)
      try {
        await sink.put(second.cid, second.bytes)
        assert.unreachable('every other vault already holds 8000 of its 10,000 for the uploader')
      } catch (err) {
        assert.instance(err, InsufficientHoldersError)
        assert.match((err as Error).message, /answered DEBT/)
      }
    })
  } finally {
    await t.net.stop()
  }
})

test.run()
