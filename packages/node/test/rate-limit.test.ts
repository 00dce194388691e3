import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { setTimeout as delay } from 'node:timers/promises'
import { encodeFrame, encodeRequest } from '@shoal/protocol'
import { concat, parseResponses, randomChunk, startNodes, openChunkStream, readAll, type Testnet } from './helpers.js'

let net: Testnet

test.before(async () => { net = await startNodes(2) })
test.after(async () => { await net.stop() })

test('1,000 quick requests from one peer: some RATE_LIMITED, every one answered, node still serves', async () => {
  const [a, b] = net.nodes
  const chunk = randomChunk(1024)
  await a.chunks.put(b.peerId, chunk.cid, chunk.bytes, { signal: AbortSignal.timeout(5_000) })
  const stream = await openChunkStream(a, b)
  const frames = Array.from({ length: 1000 }, (_, i) => encodeFrame(encodeRequest({ type: 'has', id: i + 1, cids: [chunk.cid] })))
  stream.send(concat(frames))
  await stream.close()
  const { bytes, error } = await readAll(stream, 20_000)
  assert.is(error, undefined)
  const answers = await parseResponses(bytes)
  assert.is(answers.length, 1000)
  assert.equal(answers.map(r => r.id), Array.from({ length: 1000 }, (_, i) => i + 1), 'in order')
  const limited = answers.filter(r => r.type === 'err' && r.code === 'RATE_LIMITED').length
  const served = answers.filter(r => r.type === 'have').length
  assert.ok(limited > 0, 'some requests were rate limited')
  assert.ok(served >= 500, `the burst was served (${served})`)
  assert.is(limited + served, 1000)

  // the bucket refills: after a pause, requests are served again
  await delay(300)
  const back = await a.chunks.get(b.peerId, chunk.cid, { signal: AbortSignal.timeout(5_000) })
  assert.ok(back !== null)
})

test.run()
