import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createNetworkSource } from '../src/index.js'
import { randomChunk, startNodes } from './helpers.js'

// A CLI command seeds its download with the peers its join check found; a join check that
// saw only part of the network must not make a chunk "missing" that a lookup would find.
test('a get whose seeded view of the network misses the holder looks once more and finds it', async () => {
  const net = await startNodes(4)
  try {
    const chunk = randomChunk(10_000)
    assert.ok(await net.nodes[3].store?.put(chunk.cid, chunk.bytes))
    const source = createNetworkSource(net.nodes[0], { network: [net.nodes[1].peerId] })
    const got = await source.get(chunk.cid, { signal: AbortSignal.timeout(20_000) })
    assert.ok(got !== null && Buffer.from(got).equals(chunk.bytes))
    assert.equal([...source.blamed().keys()], [])
  } finally {
    await net.stop()
  }
})

test.run()
