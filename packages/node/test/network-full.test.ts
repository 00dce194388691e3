// Placement when vaults are full, gone or the upload is cancelled (in-memory network).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createNetworkSink, InsufficientHoldersError } from '../src/memory.js'
import { RemoteError } from '@shoal/protocol'
import { memoryTestnet, seededChunk } from './memory-helpers.js'

const KiB = 1024

test('when the network is full the sink fails with InsufficientHoldersError saying how many stored it', async () => {
  // four vaults of 100 KiB: each takes one 60 KiB chunk
  const { net, nodes, clock, random } = await memoryTestnet({ nodes: 4, space: 100 * KiB, seed: 3 })
  await clock.run(async () => {
    const sink = createNetworkSink(nodes[0], { replicas: 3, clock, random })
    const first = seededChunk(random, 60 * KiB)
    assert.is(await sink.put(first.cid, first.bytes), true)
    assert.is(sink.holders(first.cid).length, 3)
    const second = seededChunk(random, 60 * KiB)
    try {
      await sink.put(second.cid, second.bytes)
      assert.unreachable('only one vault has room')
    } catch (err) {
      assert.instance(err, InsufficientHoldersError)
      const e = err as InsufficientHoldersError
      assert.is(e.code, 'ERR_INSUFFICIENT_HOLDERS')
      assert.is(e.stored, 1)
      assert.is(e.wanted, 3)
      assert.match(e.message, /held by 1 of 3/)
      assert.is(e.causes.length, 3, 'the three full vaults refused')
      assert.ok(e.noSpace, 'every refusal was NO_SPACE')
    }
    assert.is(sink.holders(second.cid).length, 1)
    const free = nodes.find(n => !sink.holders(first.cid).some(p => p.equals(n.peerId)))
    assert.ok(sink.holders(second.cid)[0].equals(free?.peerId))
  })
  await net.stop()
})

test('a full vault answers NO_SPACE and keeps what it had; a smaller chunk still fits', async () => {
  const { net, nodes, clock, random } = await memoryTestnet({ nodes: 2, spaceOf: i => i === 1 ? 100 * KiB : undefined })
  const [a, b] = nodes
  await clock.run(async () => {
    const first = seededChunk(random, 60 * KiB)
    const second = seededChunk(random, 60 * KiB)
    assert.is(await a.chunks.put(b.peerId, first.cid, first.bytes), true)
    try {
      await a.chunks.put(b.peerId, second.cid, second.bytes)
      assert.unreachable('second PUT should not fit')
    } catch (err) {
      assert.instance(err, RemoteError)
      assert.is((err as RemoteError).wireCode, 'NO_SPACE')
    }
    assert.equal(await a.chunks.has(b.peerId, [first.cid, second.cid]), [true, false])
    assert.is((await b.store?.stats())?.bytes, 60 * KiB)
    const small = seededChunk(random, 10 * KiB)
    assert.is(await a.chunks.put(b.peerId, small.cid, small.bytes), true)
  })
  await net.stop()
})

test('an aborted sink rejects with the abort reason, not InsufficientHoldersError', async () => {
  const { net, nodes, clock, random } = await memoryTestnet({ nodes: 3 })
  const controller = new AbortController()
  const sink = createNetworkSink(nodes[0], { signal: controller.signal, clock, random })
  controller.abort(new Error('user cancelled'))
  const chunk = seededChunk(random, KiB)
  await clock.run(async () => {
    try {
      await sink.put(chunk.cid, chunk.bytes)
      assert.unreachable()
    } catch (err) {
      assert.is((err as Error).message, 'user cancelled')
    }
  })
  await net.stop()
})

test('a lone vault places on itself at once; asked for two holders it says only one could take it', async () => {
  const { net, nodes, clock, random } = await memoryTestnet({ nodes: 1, lookupMs: 50 })
  await clock.run(async () => {
    const started = clock.now()
    const sink = createNetworkSink(nodes[0], { replicas: 1, clock, random })
    const chunk = seededChunk(random, KiB)
    assert.is(await sink.put(chunk.cid, chunk.bytes), true)
    assert.ok(sink.holders(chunk.cid)[0].equals(nodes[0].peerId))
    const twice = createNetworkSink(nodes[0], { replicas: 2, clock, random })
    const other = seededChunk(random, KiB)
    try {
      await twice.put(other.cid, other.bytes)
      assert.unreachable('one node cannot be two holders')
    } catch (err) {
      assert.instance(err, InsufficientHoldersError)
      assert.is((err as InsufficientHoldersError).stored, 1)
    }
    assert.ok(clock.now() - started < 1_000, `took ${clock.now() - started} virtual ms`)
  })
  await net.stop()
})

test('a PUT to a holder that is down moves on to the next-closest vault', async () => {
  const { net, nodes, clock, random } = await memoryTestnet({ nodes: 5, seed: 9 })
  await clock.run(async () => {
    const chunk = seededChunk(random, 8 * KiB)
    const probe = createNetworkSink(nodes[0], { replicas: 4, clock, random })
    await probe.put(chunk.cid, chunk.bytes)
    const [, nearest] = probe.holders(chunk.cid).filter(p => !p.equals(nodes[0].peerId))
    const down = net.node(nearest)!
    down.kill()
    const other = seededChunk(random, 8 * KiB)
    const sink = createNetworkSink(nodes[0], { replicas: 4, clock, random })
    assert.is(await sink.put(other.cid, other.bytes), true)
    assert.ok(!sink.holders(other.cid).some(p => p.equals(down.peerId)), 'the dead vault holds nothing new')
    assert.is(sink.holders(other.cid).length, 4)
  })
  await net.stop()
})

test.run()
