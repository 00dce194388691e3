import { createHash, randomBytes } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { getStream, putStream, type ChunkSink, type ChunkSource } from '@shoal/client'
import { createNetworkSink, createNetworkSource } from '../src/index.js'
import { startNodes, waitForMesh, MiB, type Testnet } from './helpers.js'

let net: Testnet

test.before(async () => {
  net = await startNodes(6)
  await waitForMesh(net)
})
test.after(async () => { await net.stop() })

test('a 6 MiB file put through the network sink on one node comes back through the network source on another', async () => {
  const file = new Uint8Array(randomBytes(6 * MiB))
  const signal = AbortSignal.timeout(120_000)
  const sink: ChunkSink = createNetworkSink(net.nodes[0], { replicas: 3, signal })
  async function * content (): AsyncGenerator<Uint8Array> {
    for (let offset = 0; offset < file.length; offset += 256 * 1024) yield file.slice(offset, offset + 256 * 1024)
  }
  const result = await putStream(content(), sink, { convergenceSecret: new Uint8Array(32).fill(7), workers: 0, signal })
  assert.is(result.size, file.length)
  assert.ok(result.chunks >= 2, `chunked into ${result.chunks}`)

  const source: ChunkSource = createNetworkSource(net.nodes[5], { signal })
  const hash = createHash('sha256')
  let size = 0
  for await (const piece of getStream(result.uri, source, { signal })) { hash.update(piece); size += piece.length }
  assert.is(size, file.length)
  assert.is(hash.digest('hex'), createHash('sha256').update(file).digest('hex'))
})

test.run()
