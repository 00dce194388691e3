import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { IntegrityError } from '@shoal/crypto'
import { randomBytes } from 'node:crypto'
import { RemoteError, auditProof } from '../src/index.js'
import { randomChunk, startNodes, KiB, MiB, type Testnet } from './helpers.js'

let net: Testnet

test.before(async () => { net = await startNodes(2) })
test.after(async () => { await net.stop() })

test('PUT, GET and HAS between two nodes', async () => {
  const [a, b] = net.nodes
  const chunk = randomChunk(300 * KiB)
  const other = randomChunk(1 * KiB)
  const signal = AbortSignal.timeout(10_000)
  assert.is(await a.chunks.put(b.peerId, chunk.cid, chunk.bytes, { signal }), true)
  assert.is(await a.chunks.put(b.peerId, chunk.cid, chunk.bytes, { signal }), false, 'second PUT: already held')
  const back = await a.chunks.get(b.peerId, chunk.cid, { signal })
  assert.ok(back !== null)
  assert.equal(Buffer.compare(back, chunk.bytes), 0)
  assert.equal(await a.chunks.has(b.peerId, [chunk.cid, other.cid, chunk.cid], { signal }), [true, false, true])
  assert.is(await b.store?.has(chunk.cid), true)
  assert.is(await a.store?.has(chunk.cid), false)
})

test('a max-size chunk (4 MiB + 16) goes both ways', async () => {
  const [a, b] = net.nodes
  const chunk = randomChunk(4 * MiB + 16)
  const signal = AbortSignal.timeout(20_000)
  assert.is(await b.chunks.put(a.peerId, chunk.cid, chunk.bytes, { signal }), true)
  const back = await b.chunks.get(a.peerId, chunk.cid, { signal })
  assert.ok(back !== null && Buffer.compare(back, chunk.bytes) === 0)
})

test('AUDIT: the holder proves it holds the chunk with sha256(nonce ‖ chunk); absent is null', async () => {
  const [a, b] = net.nodes
  const chunk = randomChunk(200 * KiB)
  const signal = AbortSignal.timeout(10_000)
  await a.chunks.put(b.peerId, chunk.cid, chunk.bytes, { signal })
  const nonce = randomBytes(32)
  const proof = await a.chunks.audit(b.peerId, chunk.cid, nonce, { signal })
  assert.ok(proof !== null)
  assert.is(Buffer.compare(proof, auditProof(nonce, chunk.bytes)), 0)
  const other = randomBytes(32)
  assert.is.not(Buffer.compare(proof, auditProof(other, chunk.bytes)), 0, 'a fresh nonce needs a fresh proof')
  assert.is(await a.chunks.audit(b.peerId, randomChunk(10).cid, nonce, { signal }), null)
})

test('GET of an absent chunk is null', async () => {
  const [a, b] = net.nodes
  assert.is(await a.chunks.get(b.peerId, randomChunk(100).cid, { signal: AbortSignal.timeout(5_000) }), null)
})

test('a PUT whose bytes do not match the CID is refused with INTEGRITY and nothing is stored', async () => {
  const [a, b] = net.nodes
  const chunk = randomChunk(10 * KiB)
  const forged = randomChunk(10 * KiB).bytes
  try {
    await a.chunks.put(b.peerId, chunk.cid, forged, { signal: AbortSignal.timeout(5_000) })
    assert.unreachable('PUT should fail')
  } catch (err) {
    assert.instance(err, RemoteError)
    assert.is((err as RemoteError).wireCode, 'INTEGRITY')
  }
  assert.is(await b.store?.has(chunk.cid), false)
  assert.equal(await a.chunks.has(b.peerId, [chunk.cid], { signal: AbortSignal.timeout(5_000) }), [false])
})

test('GET verifies the answer: the client never returns bytes that miss their CID', async () => {
  const [a, b] = net.nodes
  // a lying peer: its store verifies what it reads from disk, so swap its answer in memory
  const chunk = randomChunk(2 * KiB)
  const store = b.store
  assert.ok(store !== null)
  const realGet = store.get.bind(store)
  store.get = async () => randomChunk(2 * KiB).bytes
  try {
    await a.chunks.get(b.peerId, chunk.cid, { signal: AbortSignal.timeout(5_000) })
    assert.unreachable('GET should fail')
  } catch (err) {
    assert.instance(err, IntegrityError)
    assert.is((err as IntegrityError & { peer: string }).peer, b.peerId.toString())
  } finally {
    store.get = realGet
  }
})

test('an aborted signal ends a request', async () => {
  const [a, b] = net.nodes
  const controller = new AbortController()
  controller.abort(new Error('caller gave up'))
  try {
    await a.chunks.get(b.peerId, randomChunk(10).cid, { signal: controller.signal })
    assert.unreachable('should abort')
  } catch (err) {
    assert.ok(err instanceof Error)
  }
})

test.run()
