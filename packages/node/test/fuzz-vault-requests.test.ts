// fast-check properties over what a vault does with a peer's bytes (docs/fuzzing.md):
// version 2 requests with real signed leases, mutated, are decoded and handed to the
// request handler. Each ends in a ProtocolError at decoding or in an answer that
// encodes (the handler never throws, and never answers what a peer would refuse), and
// the vault still serves honest requests afterwards. Lease and drop signatures checked
// against hostile owners and signatures end in UnauthorizedError, nothing else.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { fuzzParameters, hostileBytes, targetArb, timeArb, typedOutcome, typedOutcomeAsync } from '@shoal/fuzz'
import { decodeRequest, encodeRequest, encodeResponse, PROTOCOL_VERSION_2, ProtocolError, type Request } from '@shoal/protocol'
import { createVirtualClock } from '@shoal/runtime'
import { createMemoryStore } from '@shoal/store'
import type { CID } from 'multiformats/cid'
import { UnauthorizedError } from '../src/errors.js'
import { createLeaseSigner, verifyDrop, verifyLease } from '../src/leases.js'
import { createRequestHandler } from '../src/request-handler.js'
import { cidOf } from './helpers.js'

const DAY = 24 * 60 * 60 * 1000
const START = Date.UTC(2030, 0, 1)
const signer = createLeaseSigner(await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(7)))
const stranger = createLeaseSigner(await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(8)))

const chunkArb = fc.uint8Array({ maxLength: 200 }).map(bytes => ({ bytes, cid: cidOf(bytes) }))
const cidArb: fc.Arbitrary<CID> = chunkArb.map(chunk => chunk.cid)
const id = fc.integer({ min: 0, max: 0xffff_ffff })
/** Expiries near the vault's clock (current, expired, too far) or anywhere. */
const expiresArb = fc.oneof(fc.integer({ min: START - DAY, max: START + 500 * DAY }), timeArb)

/** Requests an honest uploader sends, with leases signed for them, and some by a stranger. */
const requestArb: fc.Arbitrary<Request> = chunkArb.chain(({ bytes, cid }) => fc.oneof(
  fc.record({ id, target: targetArb(cidArb, cid), expires: fc.array(expiresArb, { minLength: 1, maxLength: 3 }), by: fc.boolean() })
    .map(({ id, target, expires, by }): Request => ({ type: 'put', id, cid, bytes, target, leases: expires.map(x => (by ? signer : stranger).lease(cid, target, x)) })),
  fc.record({ id, target: targetArb(cidArb, cid), expires: expiresArb })
    .map(({ id, target, expires }): Request => ({ type: 'renew', id, cid, lease: signer.lease(cid, target, expires) })),
  fc.record({ id, at: fc.integer({ min: START - DAY, max: START + DAY }) }).map(({ id, at }): Request => ({ type: 'drop', id, cid, ...signer.drop(cid, at) })),
  id.map((id): Request => ({ type: 'get', id, cid })),
  fc.record({ id, cids: fc.array(cidArb, { maxLength: 4 }) }).map(({ id, cids }): Request => ({ type: 'has', id, cids: [cid, ...cids] })),
  fc.record({ id, nonce: fc.uint8Array({ minLength: 32, maxLength: 32 }) }).map(({ id, nonce }): Request => ({ type: 'audit', id, cid, nonce }))
))

test('hostile v2 request bytes: a ProtocolError, or an answer that encodes; the vault keeps serving', async () => {
  const clock = createVirtualClock(START)
  const store = createMemoryStore({ space: 64 * 1024 * 1024 })
  await store.start()
  const handler = createRequestHandler({ store, clock, limits: { requestBurst: 1e9, requestsPerSecond: 1e9 } })
  const valid = requestArb.map(request => encodeRequest(request, PROTOCOL_VERSION_2))
  const answers = new Map<string, number>()
  await fc.assert(fc.asyncProperty(hostileBytes(valid), fc.constantFrom('peer-a', 'peer-b'), async (bytes, from) => {
    const decoded = typedOutcome(() => decodeRequest(bytes, PROTOCOL_VERSION_2), [ProtocolError.code])
    if (!decoded.ok) return
    const answered = await typedOutcomeAsync(async () => await handler.handle(decoded.value, from), [])
    assert.ok(answered.ok)
    const response = answered.value
    assert.is(response.id, decoded.value.id)
    encodeResponse(response, PROTOCOL_VERSION_2) // throws if a peer would refuse it
    const kind = response.type === 'err' ? response.code : response.type
    answers.set(kind, (answers.get(kind) ?? 0) + 1)
  }), fuzzParameters())
  // the mutations reached the handler's every answer, refusals and successes alike
  for (const kind of ['ok', 'data', 'have', 'proof', 'NOT_FOUND', 'UNAUTHORIZED']) assert.ok((answers.get(kind) ?? 0) > 0, `no ${kind} among ${JSON.stringify([...answers])}`)
  // still serving: an honest put and get
  const bytes = Uint8Array.from(Buffer.from('after the storm'))
  const cid = cidOf(bytes)
  const target = { scheme: 'replicate' as const, replicas: 3 }
  const put = await handler.handle({ type: 'put', id: 1, cid, bytes, target, leases: [signer.lease(cid, target, START + 30 * DAY)] }, 'peer-c')
  assert.is(put.type, 'ok', JSON.stringify(put))
  const got = await handler.handle({ type: 'get', id: 2, cid }, 'peer-c')
  assert.ok(got.type === 'data' && Buffer.from(got.bytes).equals(bytes))
  await store.stop()
})

test('leases and drops with hostile owners, signatures or times verify only when signed so, else UnauthorizedError', () => {
  const CODES = [UnauthorizedError.code]
  const signed = chunkArb.chain(({ cid }) => fc.record({
    cid: fc.constant(cid),
    target: targetArb(cidArb, cid),
    expires: timeArb
  }))
  // an owner is a peer ID multihash: mutated ones keep or break its identity-multihash framing
  const owners = hostileBytes(fc.constantFrom(signer.owner, stranger.owner), 64)
  const signatures = hostileBytes(fc.uint8Array({ minLength: 64, maxLength: 64 }), 80)
  fc.assert(fc.property(signed, fc.option(owners), fc.option(signatures), ({ cid, target, expires }, owner, signature) => {
    const lease = signer.lease(cid, target, expires)
    const tampered = { owner: owner ?? lease.owner, expires: lease.expires, signature: signature ?? lease.signature }
    const untouched = owner === null && signature === null
    const leaseOutcome = typedOutcome(() => verifyLease(cid, tampered, target), CODES)
    if (untouched) assert.ok(leaseOutcome.ok)
    const drop = signer.drop(cid, expires)
    const dropOutcome = typedOutcome(() => verifyDrop(cid, { ...drop, owner: owner ?? drop.owner, signature: signature ?? drop.signature }), CODES)
    if (untouched) assert.ok(dropOutcome.ok)
  }), fuzzParameters())
})

test.run()
