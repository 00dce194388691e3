import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { RemoteError } from '../src/index.js'
import { randomChunk, startNodes, KiB, type Testnet } from './helpers.js'

let net: Testnet

// node 1 offers 100 KiB
test.before(async () => { net = await startNodes(2, { init: i => i === 1 ? { space: 100 * KiB } : {} }) })
test.after(async () => { await net.stop() })

test('a full vault answers NO_SPACE and keeps what it had', async () => {
  const [a, b] = net.nodes
  const signal = AbortSignal.timeout(10_000)
  const first = randomChunk(60 * KiB)
  const second = randomChunk(60 * KiB)
  assert.is(await a.chunks.put(b.peerId, first.cid, first.bytes, { signal }), true)
  try {
    await a.chunks.put(b.peerId, second.cid, second.bytes, { signal })
    assert.unreachable('second PUT should not fit')
  } catch (err) {
    assert.instance(err, RemoteError)
    assert.is((err as RemoteError).wireCode, 'NO_SPACE')
    assert.is((err as RemoteError).code, 'ERR_REMOTE')
  }
  assert.equal(await a.chunks.has(b.peerId, [first.cid, second.cid], { signal }), [true, false])
  const stats = await b.store?.stats()
  assert.is(stats?.bytes, 60 * KiB)
  // a small chunk still fits
  const small = randomChunk(10 * KiB)
  assert.is(await a.chunks.put(b.peerId, small.cid, small.bytes, { signal }), true)
})

test.run()
