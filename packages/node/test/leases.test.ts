// Version 2 on the vault's request handler: leases must verify for their owner and be
// current, RENEW extends, DROP frees (by the owner only, near our clock), a version 1 PUT
// is still kept, and an uploader past its allowance is refused while repairs are not.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { createVirtualClock, type VirtualClock } from '@shoal/runtime'
import { createMemoryStore, type Store } from '@shoal/store'
import type { Lease, RedundancyTarget, Request, Response } from '@shoal/protocol'
import { createRequestHandler, type RequestHandler } from '../src/request-handler.js'
import { createLedger, type Ledger } from '../src/ledger.js'
import { createLeaseSigner, DEFAULT_LEASE_MS, signLease, verifyLease } from '../src/leases.js'
import { LEGACY_TARGET } from '../src/lease-rules.js'
import { randomChunk, type Chunk } from './helpers.js'

const DAY = 24 * 60 * 60 * 1000
const REPLICATE: RedundancyTarget = { scheme: 'replicate', replicas: 3 }

interface Vault { handler: RequestHandler, store: Store, ledger: Ledger, clock: VirtualClock }

async function vault (policy: { allowance?: number, maxDebt?: number } = {}): Promise<Vault> {
  const clock = createVirtualClock(Date.UTC(2030, 0, 1))
  const store = createMemoryStore({ space: 64 * 1024 * 1024 })
  await store.start()
  const ledger = createLedger(store, policy)
  return { handler: createRequestHandler({ store, ledger, clock }), store, ledger, clock }
}

async function owner (seed: number): Promise<{ key: PrivateKey, id: string }> {
  const key = await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(seed))
  return { key, id: peerIdFromPrivateKey(key).toString() }
}

function put (chunk: Chunk, leases: Lease[], target = REPLICATE): Request {
  return { type: 'put', id: 1, cid: chunk.cid, bytes: chunk.bytes, target, leases }
}

function errCode (response: Response): string | undefined {
  return response.type === 'err' ? response.code : undefined
}

test('a lease verifies for its chunk, target and expiry, and for nothing else', async () => {
  const { key } = await owner(1)
  const chunk = randomChunk(100)
  const other = randomChunk(100)
  const lease = signLease(key, chunk.cid, REPLICATE, 1000)
  verifyLease(chunk.cid, lease, REPLICATE)
  assert.throws(() => { verifyLease(other.cid, lease, REPLICATE) }, /does not verify/)
  assert.throws(() => { verifyLease(chunk.cid, lease, { scheme: 'replicate', replicas: 4 }) }, /does not verify/)
  assert.throws(() => { verifyLease(chunk.cid, { ...lease, expires: 2000 }, REPLICATE) }, /does not verify/)
})

test('forged, expired and other owners\' leases are UNAUTHORIZED, with the reason, and nothing is stored', async () => {
  const v = await vault()
  const alice = await owner(1)
  const mallory = await owner(2)
  const chunk = randomChunk(1000)
  const now = v.clock.now()
  const good = signLease(alice.key, chunk.cid, REPLICATE, now + DAY)
  const forged: Lease = { ...good, signature: new Uint8Array(64).fill(9) }
  const expired = signLease(alice.key, chunk.cid, REPLICATE, now - 1)
  // Mallory signs, but claims to be Alice
  const impostor: Lease = { ...signLease(mallory.key, chunk.cid, REPLICATE, now + DAY), owner: good.owner }
  const rsaOwner: Lease = { ...good, owner: Uint8Array.of(0x12, 0x20, ...new Uint8Array(32)) }
  const cases: Array<[string, Lease[], RegExp]> = [
    ['forged', [forged], /lease 1: .*does not verify/],
    ['expired', [expired], /lease 1 has expired/],
    ['another owner\'s signature', [impostor], /lease 1: .*does not verify/],
    ['one bad among good ones', [good, forged], /lease 2: /],
    ['an owner whose ID holds no key', [rsaOwner], /not an Ed25519 peer ID/]
  ]
  for (const [what, leases, reason] of cases) {
    const answer = await v.handler.handle(put(chunk, leases), alice.id)
    assert.is(errCode(answer), 'UNAUTHORIZED', what)
    assert.match(answer.type === 'err' ? answer.message : '', reason, what)
    assert.is(await v.store.has(chunk.cid), false, `${what}: nothing stored`)
  }
  assert.is(errCode(await v.handler.handle(put(chunk, [good], { scheme: 'replicate', replicas: 2 }), alice.id)), 'UNAUTHORIZED', 'a lease signed for another target')
  assert.equal(await v.handler.handle(put(chunk, [good]), alice.id), { type: 'ok', id: 1, stored: true })
  const record = await v.store.record(chunk.cid)
  assert.equal(record?.leases.map(l => ({ owner: Buffer.from(l.owner), expires: l.expires, target: l.target })), [{ owner: Buffer.from(good.owner), expires: now + DAY, target: REPLICATE }], 'the lease is recorded with its target')
  assert.is((await v.ledger.list()).find(p => p.peer === alice.id)?.record.storedFor, 1000, 'the owner is charged')
})

test('RENEW extends an owner\'s lease; a chunk not held is NOT_FOUND; a forged renewal is UNAUTHORIZED', async () => {
  const v = await vault()
  const alice = await owner(1)
  const chunk = randomChunk(500)
  const now = v.clock.now()
  assert.is((await v.handler.handle(put(chunk, [signLease(alice.key, chunk.cid, REPLICATE, now + DAY)]), alice.id)).type, 'ok')
  const later = signLease(alice.key, chunk.cid, REPLICATE, now + 30 * DAY)
  assert.equal(await v.handler.handle({ type: 'renew', id: 2, cid: chunk.cid, lease: later }, alice.id), { type: 'ok', id: 2, stored: false })
  assert.equal((await v.store.record(chunk.cid))?.leases.map(l => l.expires), [now + 30 * DAY])
  const forged = { ...later, expires: now + 365 * DAY }
  assert.is(errCode(await v.handler.handle({ type: 'renew', id: 3, cid: chunk.cid, lease: forged }, alice.id)), 'UNAUTHORIZED')
  assert.equal((await v.store.record(chunk.cid))?.leases.map(l => l.expires), [now + 30 * DAY], 'unchanged')
  const absent = randomChunk(10)
  assert.is(errCode(await v.handler.handle({ type: 'renew', id: 4, cid: absent.cid, lease: signLease(alice.key, absent.cid, REPLICATE, now + DAY) }, alice.id)), 'NOT_FOUND')
})

test('DROP by the owner frees the chunk; by another peer, or too far from our clock, it is UNAUTHORIZED; another owner\'s lease keeps it', async () => {
  const v = await vault()
  const alice = await owner(1)
  const bob = await owner(2)
  const signer = { alice: createLeaseSigner(alice.key), bob: createLeaseSigner(bob.key) }
  const now = v.clock.now()
  const chunk = randomChunk(800)
  await v.handler.handle(put(chunk, [signer.alice.lease(chunk.cid, REPLICATE, now + DAY), signer.bob.lease(chunk.cid, REPLICATE, now + DAY)]), alice.id)
  const drop = (d: { owner: Uint8Array, at: number, signature: Uint8Array }): Request => ({ type: 'drop', id: 7, cid: chunk.cid, ...d })

  const byMallory = { ...signer.bob.drop(chunk.cid, now), owner: signer.alice.owner }
  assert.is(errCode(await v.handler.handle(drop(byMallory), bob.id)), 'UNAUTHORIZED', 'Bob cannot drop Alice\'s lease')
  assert.is(errCode(await v.handler.handle(drop(signer.alice.drop(chunk.cid, now - 11 * 60_000)), alice.id)), 'UNAUTHORIZED', 'an old drop')
  assert.is(errCode(await v.handler.handle(drop(signer.alice.drop(chunk.cid, now + 11 * 60_000)), alice.id)), 'UNAUTHORIZED', 'a drop from the future')
  assert.is((await v.store.record(chunk.cid))?.leases.length, 2, 'nothing dropped yet')

  assert.equal(await v.handler.handle(drop(signer.alice.drop(chunk.cid, now + 60_000)), alice.id), { type: 'ok', id: 7, stored: false })
  assert.ok(await v.store.has(chunk.cid), 'Bob still leases it')
  assert.is((await v.ledger.list()).find(p => p.peer === alice.id)?.record.storedFor, 0, 'Alice is no longer charged')
  assert.equal(await v.handler.handle(drop(signer.bob.drop(chunk.cid, now)), bob.id), { type: 'ok', id: 7, stored: false })
  assert.is(await v.store.has(chunk.cid), false, 'its last lease gone, the chunk is freed')
  assert.is(errCode(await v.handler.handle(drop(signer.bob.drop(chunk.cid, now)), bob.id)), 'NOT_FOUND', 'dropped again: not held')
})

test('a version 1 PUT is stored for replicate 3 under an unsigned lease of the default length, which no DROP removes', async () => {
  const v = await vault()
  const chunk = randomChunk(300)
  assert.equal(await v.handler.handle({ type: 'put', id: 1, cid: chunk.cid, bytes: chunk.bytes }, 'legacy-peer'), { type: 'ok', id: 1, stored: true })
  const record = await v.store.record(chunk.cid)
  assert.equal(record?.leases.map(l => ({ owner: l.owner.length, signature: [...l.signature].every(b => b === 0), expires: l.expires, target: l.target })),
    [{ owner: 0, signature: true, expires: v.clock.now() + DEFAULT_LEASE_MS, target: LEGACY_TARGET }])
  const anyone = createLeaseSigner(await generateKeyPair('Ed25519'))
  assert.is(errCode(await v.handler.handle({ type: 'drop', id: 2, cid: chunk.cid, owner: new Uint8Array(0), at: v.clock.now(), signature: new Uint8Array(64) }, 'legacy-peer')), 'UNAUTHORIZED')
  await v.handler.handle({ type: 'drop', id: 3, cid: chunk.cid, ...anyone.drop(chunk.cid, v.clock.now()) }, 'x')
  assert.ok(await v.store.has(chunk.cid), 'still held')
})

test('DEBT: an uploader past its allowance is refused, a repair of its chunk by another peer is not, and storing for us raises the limit', async () => {
  const v = await vault({ allowance: 2500, maxDebt: 5000 })
  const alice = await owner(1)
  const repairer = await owner(3)
  const now = v.clock.now()
  const chunks = [randomChunk(1000), randomChunk(1000), randomChunk(1000), randomChunk(1000)]
  const lease = (c: Chunk): Lease => signLease(alice.key, c.cid, REPLICATE, now + DAY)
  assert.is((await v.handler.handle(put(chunks[0], [lease(chunks[0])]), alice.id)).type, 'ok', 'a new user uploads at once')
  assert.is((await v.handler.handle(put(chunks[1], [lease(chunks[1])]), alice.id)).type, 'ok')
  const refused = await v.handler.handle(put(chunks[2], [lease(chunks[2])]), alice.id)
  assert.is(errCode(refused), 'DEBT', 'the third would take 3000 of a 2500 allowance')
  assert.is(await v.store.has(chunks[2].cid), false)
  assert.is((await v.handler.handle(put(chunks[0], [lease(chunks[0])]), alice.id)).type, 'ok', 're-putting what is already held costs nothing')
  assert.is((await v.handler.handle(put(chunks[2], [lease(chunks[2])]), repairer.id)).type, 'ok', 'a repair (sender is not the owner) is never refused')
  assert.is((await v.ledger.list()).find(p => p.peer === alice.id)?.record.storedFor, 3000, 'but Alice is charged for it')
  assert.is(errCode(await v.handler.handle({ type: 'put', id: 1, cid: chunks[3].cid, bytes: chunks[3].bytes }, alice.id)), 'DEBT', 'version 1 is no way around it')
  // Alice's vault now stores 1000 bytes for us: she may run maxDebt ahead of that
  await v.ledger.storedBy(alice.id, 1000)
  assert.is((await v.handler.handle(put(chunks[3], [lease(chunks[3])]), alice.id)).type, 'ok')
})

test('a lease longer than 400 days, or naming another chunk as its piece, is UNAUTHORIZED; nothing stored', async () => {
  const v = await vault()
  const alice = await owner(1)
  const chunk = randomChunk(1000)
  const now = v.clock.now()
  const forever = await v.handler.handle(put(chunk, [signLease(alice.key, chunk.cid, REPLICATE, now + 401 * DAY)]), alice.id)
  assert.is(errCode(forever), 'UNAUTHORIZED')
  assert.ok(forever.type === 'err' && forever.message.includes('400 days'), JSON.stringify(forever))
  const other = randomChunk(900)
  const stripe: RedundancyTarget = { scheme: 'erasure', k: 1, m: 1, index: 0, pieces: [other.cid, chunk.cid], sizes: [900, 1000] }
  assert.is(errCode(await v.handler.handle(put(chunk, [signLease(alice.key, chunk.cid, stripe, now + DAY)], stripe), alice.id)), 'UNAUTHORIZED')
  assert.is(await v.store.has(chunk.cid), false)
})

test('version 1 PUTs of a chunk held already charge their sender once, not once per PUT', async () => {
  const v = await vault()
  const sender = await owner(3)
  const chunk = randomChunk(1000)
  for (let i = 0; i < 3; i++) {
    const answer = await v.handler.handle({ type: 'put', id: i, cid: chunk.cid, bytes: chunk.bytes }, sender.id)
    assert.is(answer.type, 'ok')
  }
  assert.is((await v.store.peerRecord(sender.id)).storedFor, 1000)
})

test('a captured DROP replayed within its window after a re-put ends nothing: the chunk stays, under the new lease, and its owner stays charged', async () => {
  const v = await vault()
  const { key, id: aliceId } = await owner(1)
  const alice = createLeaseSigner(key)
  const chunk = randomChunk(700)
  const drop = (d: { owner: Uint8Array, at: number, signature: Uint8Array }): Request => ({ type: 'drop', id: 9, cid: chunk.cid, ...d })
  assert.is((await v.handler.handle(put(chunk, [alice.lease(chunk.cid, REPLICATE, v.clock.now() + DAY)]), aliceId)).type, 'ok')
  await v.clock.advance(60_000)
  const captured = alice.drop(chunk.cid, v.clock.now())
  assert.equal(await v.handler.handle(drop(captured), aliceId), { type: 'ok', id: 9, stored: false })
  assert.is(await v.store.has(chunk.cid), false, 'the rm freed it')

  await v.clock.advance(60_000)
  const again = alice.lease(chunk.cid, REPLICATE, v.clock.now() + 2 * DAY)
  assert.is((await v.handler.handle(put(chunk, [again]), aliceId)).type, 'ok', 'Alice puts the file again')
  await v.clock.advance(60_000)
  assert.is((await v.handler.handle(drop(captured), 'mallory')).type, 'ok', 'the replay is within the window and verifies')
  assert.ok(await v.store.has(chunk.cid), 'the chunk is still held')
  assert.equal((await v.store.record(chunk.cid))?.leases.map(l => l.expires), [again.expires], 'under the lease given after the drop')
  assert.is((await v.store.peerRecord(aliceId)).storedFor, 700, 'Alice is still charged for it')

  // the same holds when the first DROP never reached this vault: the re-put gives the lease again
  const other = randomChunk(300)
  const lease = alice.lease(other.cid, REPLICATE, v.clock.now() + DAY)
  await v.handler.handle(put(other, [lease]), aliceId)
  await v.clock.advance(1_000)
  const missed = alice.drop(other.cid, v.clock.now())
  await v.clock.advance(1_000)
  await v.handler.handle(put(other, [lease]), aliceId)
  await v.handler.handle({ type: 'drop', id: 10, cid: other.cid, ...missed }, aliceId)
  assert.ok(await v.store.has(other.cid), 'a drop signed before the re-put arrives late and ends nothing')
  await v.handler.handle({ type: 'drop', id: 11, cid: other.cid, ...alice.drop(other.cid, v.clock.now()) }, aliceId)
  assert.is(await v.store.has(other.cid), false, 'a drop signed after it does')
})

test.run()
