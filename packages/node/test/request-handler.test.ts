// The vault's request handler on its own: the rules it enforces, with no transport and a
// virtual clock for the rate limit.
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createVirtualClock } from '@shoal/runtime'
import { createMemoryStore } from '@shoal/store'
import { auditProof, createRequestHandler } from '../src/memory.js'
import { randomChunk } from './helpers.js'

async function handlerWith (space = 1024 * 1024): Promise<{ handler: ReturnType<typeof createRequestHandler>, clock: ReturnType<typeof createVirtualClock> }> {
  const clock = createVirtualClock()
  const store = createMemoryStore({ space })
  await store.start()
  return { handler: createRequestHandler({ store, clock, limits: { requestBurst: 10, requestsPerSecond: 5 } }), clock }
}

test('PUT, GET, HAS and AUDIT answered from the store', async () => {
  const { handler } = await handlerWith()
  const chunk = randomChunk(1000)
  assert.equal(await handler.handle({ type: 'put', id: 1, cid: chunk.cid, bytes: chunk.bytes }, 'a'), { type: 'ok', id: 1, stored: true })
  assert.equal(await handler.handle({ type: 'put', id: 2, cid: chunk.cid, bytes: chunk.bytes }, 'a'), { type: 'ok', id: 2, stored: false })
  const got = await handler.handle({ type: 'get', id: 3, cid: chunk.cid }, 'a')
  assert.ok(got.type === 'data' && Buffer.from(got.bytes).equals(chunk.bytes))
  const nonce = new Uint8Array(32).fill(4)
  const proof = await handler.handle({ type: 'audit', id: 4, cid: chunk.cid, nonce }, 'a')
  assert.ok(proof.type === 'proof' && Buffer.from(proof.digest).equals(auditProof(nonce, chunk.bytes)))
  const absent = randomChunk(10)
  assert.equal(await handler.handle({ type: 'get', id: 5, cid: absent.cid }, 'a'), { type: 'err', id: 5, code: 'NOT_FOUND', message: 'chunk not held here' })
  const have = await handler.handle({ type: 'has', id: 6, cids: [chunk.cid, absent.cid] }, 'a')
  assert.ok(have.type === 'have' && have.bitmap[0] === 0b01)
})

test('a PUT whose bytes are not its CID is INTEGRITY; one past the space is NO_SPACE; nothing is stored', async () => {
  const { handler } = await handlerWith(2000)
  const chunk = randomChunk(1500)
  const lie = createHash('sha256').update('other').digest()
  const wrong = await handler.handle({ type: 'put', id: 1, cid: chunk.cid, bytes: new Uint8Array(lie) }, 'a')
  assert.is(wrong.type === 'err' && wrong.code, 'INTEGRITY')
  assert.is((await handler.handle({ type: 'put', id: 2, cid: chunk.cid, bytes: chunk.bytes }, 'a')).type, 'ok')
  const more = randomChunk(1000)
  const full = await handler.handle({ type: 'put', id: 3, cid: more.cid, bytes: more.bytes }, 'a')
  assert.is(full.type === 'err' && full.code, 'NO_SPACE')
})

test('each peer has its own request bucket; it refills with time', async () => {
  const { handler, clock } = await handlerWith()
  const { cid } = randomChunk(10)
  const ask = async (peer: string): Promise<string> => (await handler.handle({ type: 'has', id: 1, cids: [cid] }, peer)).type
  const burst = []
  for (let i = 0; i < 12; i++) burst.push(await ask('greedy'))
  assert.equal(burst.filter(t => t === 'have').length, 10, 'the burst')
  assert.equal(burst.slice(10), ['err', 'err'], 'then RATE_LIMITED')
  assert.is(await ask('other'), 'have', 'another peer is not limited by the first')
  await clock.advance(1_000)
  const after = []
  for (let i = 0; i < 6; i++) after.push(await ask('greedy'))
  assert.equal(after, ['have', 'have', 'have', 'have', 'have', 'err'], '5 tokens a second came back')
})

test.run()
