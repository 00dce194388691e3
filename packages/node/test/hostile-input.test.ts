import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { setTimeout as delay } from 'node:timers/promises'
import { encodeFrame, encodeRequest, type Response } from '@shoal/protocol'
import { encodeCbor } from '@shoal/manifest'
import { parseResponses, randomChunk, startNodes, openChunkStream, readAll, KiB, type Testnet } from './helpers.js'

let net: Testnet
const stored = randomChunk(8 * KiB)

test.before(async () => {
  net = await startNodes(2)
  await net.nodes[0].chunks.put(net.nodes[1].peerId, stored.cid, stored.bytes, { signal: AbortSignal.timeout(5_000) })
})
test.after(async () => { await net.stop() })

async function stillServes (): Promise<void> {
  const [a, b] = net.nodes
  const back = await a.chunks.get(b.peerId, stored.cid, { signal: AbortSignal.timeout(5_000) })
  assert.ok(back !== null && Buffer.compare(back, stored.bytes) === 0, 'node still serves a normal GET')
}

test('random garbage: the stream is closed, the node keeps serving', async () => {
  const [a, b] = net.nodes
  const stream = await openChunkStream(a, b)
  const garbage = new Uint8Array(64 * KiB)
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff
  stream.send(garbage)
  const { bytes } = await readAll(stream)
  assert.ok(bytes.length < 2 * KiB, 'at most an error answer comes back')
  await stillServes()
})

test('a frame claiming 4 GiB is refused after its prefix', async () => {
  const [a, b] = net.nodes
  const stream = await openChunkStream(a, b)
  // varint of 2^32: 80 80 80 80 10
  stream.send(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x10, 1, 2, 3]))
  const { bytes, error } = await readAll(stream)
  assert.is(bytes.length, 0)
  assert.ok(error !== undefined || stream.status !== 'open', 'the stream ended')
  await stillServes()
})

test('a well-framed message with a readable id but a bad body gets BAD_REQUEST, then the stream closes', async () => {
  const [a, b] = net.nodes
  const stream = await openChunkStream(a, b)
  const good = encodeFrame(encodeRequest({ type: 'has', id: 1, cids: [stored.cid] }))
  const bad = encodeFrame(encodeCbor({ v: 1, t: 'get', id: 2, cid: Uint8Array.from([1, 2, 3]) }))
  const after = encodeFrame(encodeRequest({ type: 'get', id: 3, cid: stored.cid }))
  stream.send(good)
  stream.send(bad)
  stream.send(after)
  const answers = await parseResponses((await readAll(stream)).bytes)
  assert.is(answers.length, 2, 'the request before the bad one is answered, nothing after it')
  assert.is(answers[0].type, 'have')
  assert.is(answers[1].type, 'err')
  assert.is(answers[1].id, 2)
  assert.is((answers[1] as Response & { code: string }).code, 'BAD_REQUEST')
  await stillServes()
})

test('pipelined requests are answered in order on one stream', async () => {
  const [a, b] = net.nodes
  const stream = await openChunkStream(a, b)
  const absent = randomChunk(100)
  stream.send(encodeFrame(encodeRequest({ type: 'get', id: 10, cid: stored.cid })))
  stream.send(encodeFrame(encodeRequest({ type: 'get', id: 11, cid: absent.cid })))
  stream.send(encodeFrame(encodeRequest({ type: 'has', id: 12, cids: [absent.cid, stored.cid] })))
  await stream.close()
  const answers = await parseResponses((await readAll(stream)).bytes)
  assert.equal(answers.map(r => [r.id, r.type]), [[10, 'data'], [11, 'err'], [12, 'have']])
})

test('too many concurrent streams from one peer: the extra ones are reset, the node keeps serving', async () => {
  const [a, b] = net.nodes
  const streams = await Promise.all(Array.from({ length: 12 }, async () => await openChunkStream(a, b)))
  // each stream sends half a frame and waits, holding its slot
  for (const s of streams) {
    try { s.send(Uint8Array.from([0x05, 1])) } catch {} // some are reset already
  }
  await delay(300)
  const reset = streams.filter(s => s.status !== 'open').length
  assert.ok(reset >= 4, `expected at least 4 of 12 streams reset (cap 8), got ${reset}`)
  for (const s of streams) s.abort(new Error('done'))
  await delay(100)
  await stillServes()
})

test.run()
