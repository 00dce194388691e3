// Version negotiation over real libp2p: two current nodes speak 2.0.0 (leases recorded);
// a 1.0.0-only vault still takes version 1 PUTs and GETs, and a lease-carrying request to
// it fails with PeerVersionError; a 1.0.0-only dialer is served by a current vault.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { PROTOCOL_ID, PROTOCOL_ID_V2, type RedundancyTarget } from '@shoal/protocol'
import { createChunkClient } from '../src/chunk-client.js'
import { PeerVersionError } from '../src/errors.js'
import { Sessions } from '../src/sessions.js'
import { randomChunk, startNodes, type Testnet } from './helpers.js'

const TARGET: RedundancyTarget = { scheme: 'replicate', replicas: 3 }
let net: Testnet

test.before(async () => {
  net = await startNodes(3, { bootstrap: false })
  // node 2 is a vault from before version 2
  await net.nodes[2].libp2p.unhandle(PROTOCOL_ID_V2)
  await net.nodes[0].libp2p.dial(net.nodes[1].multiaddrs[0])
  await net.nodes[0].libp2p.dial(net.nodes[2].multiaddrs[0])
})
test.after(async () => { await net.stop() })

test('two current nodes: a PUT with a lease goes over 2.0.0 and the holder records it', async () => {
  const [a, b] = net.nodes
  const chunk = randomChunk(10_000)
  const lease = a.leases!.lease(chunk.cid, TARGET, Date.now() + 60_000)
  assert.is(await a.chunks.put(b.peerId, chunk.cid, chunk.bytes, { target: TARGET, leases: [lease], signal: AbortSignal.timeout(5_000) }), true)
  const record = await b.store?.record(chunk.cid)
  assert.equal(record?.leases.map(l => Buffer.from(l.owner).toString('hex')), [Buffer.from(a.leases!.owner).toString('hex')])
  assert.is(await a.chunks.renew(b.peerId, chunk.cid, a.leases!.lease(chunk.cid, TARGET, Date.now() + 120_000), { signal: AbortSignal.timeout(5_000) }), true)
  assert.is(await a.chunks.drop(b.peerId, chunk.cid, a.leases!.drop(chunk.cid, Date.now()), { signal: AbortSignal.timeout(5_000) }), true)
  assert.is(await b.store?.has(chunk.cid), false, 'dropped by its only owner')
})

test('a 1.0.0-only vault: version 1 PUT and GET work, a PUT with leases, RENEW and DROP fail with PeerVersionError', async () => {
  const [a, , old] = net.nodes
  const chunk = randomChunk(10_000)
  const signal = AbortSignal.timeout(5_000)
  const lease = a.leases!.lease(chunk.cid, TARGET, Date.now() + 60_000)
  try {
    await a.chunks.put(old.peerId, chunk.cid, chunk.bytes, { target: TARGET, leases: [lease], signal })
    assert.unreachable('leases to a 1.0.0 peer')
  } catch (err) {
    assert.instance(err, PeerVersionError)
  }
  try {
    await a.chunks.renew(old.peerId, chunk.cid, lease, { signal })
    assert.unreachable('RENEW to a 1.0.0 peer')
  } catch (err) {
    assert.instance(err, PeerVersionError)
  }
  assert.is(await a.chunks.put(old.peerId, chunk.cid, chunk.bytes, { signal }), true)
  assert.ok(Buffer.from((await a.chunks.get(old.peerId, chunk.cid, { signal }))!).equals(chunk.bytes))
})

test('a 1.0.0-only dialer is served by a current vault, under the legacy lease', async () => {
  const [a, b] = net.nodes
  const oldClient = createChunkClient(new Sessions(a.libp2p, { protocols: [PROTOCOL_ID] }))
  const chunk = randomChunk(5_000)
  const signal = AbortSignal.timeout(5_000)
  assert.is(await oldClient.put(b.peerId, chunk.cid, chunk.bytes, { signal }), true)
  assert.ok(Buffer.from((await oldClient.get(b.peerId, chunk.cid, { signal }))!).equals(chunk.bytes))
  assert.equal((await b.store?.record(chunk.cid))?.leases.map(l => l.owner.length), [0])
})

test.run()
