// The request handler's observer seam: every answer, refusals included, is told with its
// type, result and chunk bytes, and an observer that throws changes no answer.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createVirtualClock } from '@shoal/runtime'
import { createMemoryStore } from '@shoal/store'
import { createRequestHandler } from '../src/request-handler.js'
import type { RequestObservation } from '../src/request-observer.js'
import { randomChunk } from './helpers.js'

test('each request is observed once with its type, result and bytes; a rate-limited one too', async () => {
  const store = createMemoryStore({ space: 1024 * 1024 })
  await store.start()
  const seen: RequestObservation[] = []
  const handler = createRequestHandler({ store, clock: createVirtualClock(), limits: { requestBurst: 4, requestsPerSecond: 1 }, onRequest: o => seen.push(o) })
  const chunk = randomChunk(1000)
  const absent = randomChunk(10)
  await handler.handle({ type: 'put', id: 1, cid: chunk.cid, bytes: chunk.bytes }, 'a')
  await handler.handle({ type: 'get', id: 2, cid: chunk.cid }, 'a')
  await handler.handle({ type: 'get', id: 3, cid: absent.cid }, 'a')
  await handler.handle({ type: 'has', id: 4, cids: [chunk.cid, absent.cid] }, 'a')
  await handler.handle({ type: 'audit', id: 5, cid: chunk.cid, nonce: new Uint8Array(32) }, 'a') // over the burst of 4
  assert.equal(seen.map(({ type, result, bytesIn, bytesOut }) => ({ type, result, bytesIn, bytesOut })), [
    { type: 'put', result: 'ok', bytesIn: 1000, bytesOut: 0 },
    { type: 'get', result: 'ok', bytesIn: 0, bytesOut: 1000 },
    { type: 'get', result: 'not_found', bytesIn: 0, bytesOut: 0 },
    { type: 'has', result: 'ok', bytesIn: 0, bytesOut: 0 },
    { type: 'audit', result: 'rate_limited', bytesIn: 0, bytesOut: 0 }
  ])
  assert.ok(seen.every(o => o.ms >= 0 && Number.isFinite(o.ms)))
})

test('an observer that throws changes no answer', async () => {
  const store = createMemoryStore({ space: 1024 * 1024 })
  await store.start()
  const handler = createRequestHandler({ store, clock: createVirtualClock(), onRequest: () => { throw new Error('observer broke') } })
  const chunk = randomChunk(500)
  assert.equal(await handler.handle({ type: 'put', id: 1, cid: chunk.cid, bytes: chunk.bytes }, 'a'), { type: 'ok', id: 1, stored: true })
  const got = await handler.handle({ type: 'get', id: 2, cid: chunk.cid }, 'a')
  assert.ok(got.type === 'data' && Buffer.from(got.bytes).equals(chunk.bytes))
})

test.run()
