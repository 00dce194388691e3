import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { InsufficientHoldersError, createNetworkSink } from '../src/index.js'
import { randomChunk, startNodes, waitForMesh, KiB, type Testnet } from './helpers.js'

let net: Testnet

// four vaults of 100 KiB: each takes one 60 KiB chunk
test.before(async () => {
  net = await startNodes(4, { init: () => ({ space: 100 * KiB }) })
  await waitForMesh(net)
})
test.after(async () => { await net.stop() })

test('when the network is full the sink fails with InsufficientHoldersError saying how many stored it', async () => {
  const sink = createNetworkSink(net.nodes[0], { replicas: 3, signal: AbortSignal.timeout(30_000) })
  const first = randomChunk(60 * KiB)
  assert.is(await sink.put(first.cid, first.bytes), true)
  assert.is(sink.holders(first.cid).length, 3)
  const second = randomChunk(60 * KiB)
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
  }
  assert.is(sink.holders(second.cid).length, 1)
  const free = net.nodes.find(n => !sink.holders(first.cid).some(p => p.equals(n.peerId)))
  assert.ok(sink.holders(second.cid)[0].equals(free?.peerId))
})

test('an aborted sink rejects with the abort reason, not InsufficientHoldersError', async () => {
  const controller = new AbortController()
  const sink = createNetworkSink(net.nodes[0], { signal: controller.signal })
  controller.abort(new Error('user cancelled'))
  const chunk = randomChunk(1 * KiB)
  try {
    await sink.put(chunk.cid, chunk.bytes)
    assert.unreachable()
  } catch (err) {
    assert.is((err as Error).message, 'user cancelled')
  }
})

test('a lone vault places on itself at once instead of waiting out the DHT lookup', async () => {
  const lone = await startNodes(1, { bootstrap: false })
  try {
    const started = Date.now()
    const sink = createNetworkSink(lone.nodes[0], { replicas: 1, lookupTimeoutMs: 10_000 })
    const chunk = randomChunk(1 * KiB)
    assert.is(await sink.put(chunk.cid, chunk.bytes), true)
    assert.ok(sink.holders(chunk.cid)[0].equals(lone.nodes[0].peerId))
    const twice = createNetworkSink(lone.nodes[0], { replicas: 2, lookupTimeoutMs: 10_000 })
    const other = randomChunk(1 * KiB)
    try {
      await twice.put(other.cid, other.bytes)
      assert.unreachable('one node cannot be two holders')
    } catch (err) {
      assert.instance(err, InsufficientHoldersError)
      assert.is((err as InsufficientHoldersError).stored, 1)
    }
    assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`)
  } finally {
    await lone.stop()
  }
})

test.run()
