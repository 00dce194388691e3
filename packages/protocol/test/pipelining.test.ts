// Several requests share a stream: written back to back into one buffer, they come out
// in order with their ids, and responses can be matched by id in any order.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  decodeFrames, decodeRequest, decodeResponse, encodeFrame, encodeRequest, encodeResponse, FrameDecoder
} from '../src/index.js'
import type { Request, Response } from '../src/index.js'
import { concat, prng, sampleCid } from './helpers.js'

const rng = prng(5)
const requests: Request[] = [
  { type: 'put', id: 10, cid: sampleCid(1), bytes: rng.bytes(70_000) },
  { type: 'get', id: 11, cid: sampleCid(2) },
  { type: 'has', id: 12, cids: [sampleCid(3), sampleCid(4)] },
  { type: 'audit', id: 13, cid: sampleCid(5), nonce: rng.bytes(32) },
  { type: 'get', id: 14, cid: sampleCid(6) }
]
const stream = concat(requests.map(r => encodeFrame(encodeRequest(r))))

test('back-to-back requests in one push decode in order with their ids', () => {
  const decoder = new FrameDecoder()
  decoder.push(stream)
  const got: Request[] = []
  for (let body = decoder.next(); body !== null; body = decoder.next()) got.push(decodeRequest(body))
  decoder.end()
  assert.equal(got.map(r => [r.type, r.id]), requests.map(r => [r.type, r.id]))
  assert.is(Buffer.compare((got[0] as { bytes: Uint8Array }).bytes, (requests[0] as { bytes: Uint8Array }).bytes), 0)
})

test('the same stream, arriving in random pieces through decodeFrames', async () => {
  const r = prng(8)
  async function * pieces (): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < stream.length;) {
      const n = 1 + r.int(5000)
      yield stream.subarray(at, at + n)
      at += n
    }
  }
  const ids: number[] = []
  for await (const body of decodeFrames(pieces())) ids.push(decodeRequest(body).id)
  assert.equal(ids, [10, 11, 12, 13, 14])
})

test('responses out of order are matched to requests by id', () => {
  const answers: Response[] = [
    { type: 'data', id: 14, bytes: Uint8Array.of(1) },
    { type: 'ok', id: 10, stored: true },
    { type: 'err', id: 11, code: 'NOT_FOUND', message: 'chunk not held here' },
    { type: 'proof', id: 13, digest: new Uint8Array(32) },
    { type: 'have', id: 12, bitmap: Uint8Array.of(0b10) }
  ]
  const decoder = new FrameDecoder()
  decoder.push(concat(answers.map(a => encodeFrame(encodeResponse(a)))))
  const byId = new Map<number, Response>()
  for (let body = decoder.next(); body !== null; body = decoder.next()) {
    const response = decodeResponse(body)
    byId.set(response.id, response)
  }
  assert.equal(requests.map(r => byId.get(r.id)?.type), ['ok', 'err', 'have', 'proof', 'data'])
})

test.run()
