import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { encodeFrame, encodeRequest } from '@shoal/protocol'
import { parseResponses, randomChunk, startNodes, openChunkStream, readAll, sendAll, MiB, type Testnet } from './helpers.js'

let net: Testnet

test.before(async () => { net = await startNodes(2) })
test.after(async () => { await net.stop() })

// The server pauses the stream while it stores each chunk; the sender must then wait in
// the yamux window rather than overflow the server's read buffer and get reset.
test('six max-size PUTs pipelined on one stream are all stored, in order', async () => {
  const [a, b] = net.nodes
  const chunks = Array.from({ length: 6 }, () => randomChunk(4 * MiB + 16))
  const stream = await openChunkStream(a, b)
  const reading = readAll(stream, 60_000)
  await sendAll(stream, chunks.map((c, i) => encodeFrame(encodeRequest({ type: 'put', id: i + 1, cid: c.cid, bytes: c.bytes }))))
  await stream.close()
  const { bytes, error } = await reading
  assert.is(error, undefined)
  const answers = await parseResponses(bytes)
  assert.equal(answers.map(r => [r.id, r.type]), chunks.map((_, i) => [i + 1, 'ok']))
  assert.is((await b.store?.stats())?.chunks, 6)
})

test.run()
