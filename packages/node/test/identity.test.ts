import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createServer, type AddressInfo } from 'node:net'
import { createNode, BootstrapError, InvalidPeerKeyError, ListenError } from '../src/index.js'
import { makeTempDir, nextLoopback, randomChunk, removeDir, startNodes, MiB } from './helpers.js'

test('the peer ID is stable across stop/start with the same dataDir, and the vault keeps its chunks', async () => {
  const dataDir = await makeTempDir()
  const host = nextLoopback()
  const init = { dataDir, listen: [`/ip4/${host}/tcp/0`], space: 8 * MiB }
  const first = createNode(init)
  const net = await startNodes(1, { bootstrap: false })
  try {
    await first.start()
    const id = first.peerId.toString()
    const chunk = randomChunk(4096)
    await net.nodes[0].libp2p.dial(first.multiaddrs[0], { signal: AbortSignal.timeout(5_000) })
    await net.nodes[0].chunks.put(first.peerId, chunk.cid, chunk.bytes, { signal: AbortSignal.timeout(5_000) })
    const key = await stat(join(dataDir, 'peer-key'))
    assert.is(key.mode & 0o777, 0o600, 'peer-key is private')
    assert.ok(first.multiaddrs.every(ma => ma.toString().startsWith(`/ip4/${host}/tcp/`) && ma.toString().endsWith(`/p2p/${id}`)))
    await first.stop()
    await first.stop() // idempotent

    const second = createNode(init)
    await second.start()
    try {
      assert.is(second.peerId.toString(), id)
      assert.is(await second.store?.has(chunk.cid), true)
    } finally {
      await second.stop()
    }
  } finally {
    await first.stop()
    await net.stop()
    await removeDir(dataDir)
  }
})

test('a peer-key file that is not a key is refused, not replaced', async () => {
  const dataDir = await makeTempDir()
  try {
    await writeFile(join(dataDir, 'peer-key'), 'not a key', { mode: 0o600 })
    const node = createNode({ dataDir, listen: [`/ip4/${nextLoopback()}/tcp/0`], space: MiB })
    try {
      await node.start()
      assert.unreachable('start should fail')
    } catch (err) {
      assert.instance(err, InvalidPeerKeyError)
    }
  } finally {
    await removeDir(dataDir)
  }
})

test('a client node opens no vault and serves no chunks', async () => {
  const dataDir = await makeTempDir()
  const net = await startNodes(1, { bootstrap: false })
  const client = createNode({ dataDir, listen: [`/ip4/${nextLoopback()}/tcp/0`], space: 0, clientMode: true, bootstrap: net.nodes[0].multiaddrs.map(String) })
  try {
    await client.start()
    assert.is(client.store, null)
    let vaultExists = true
    try { await stat(join(dataDir, 'vault')) } catch { vaultExists = false }
    assert.is(vaultExists, false, 'no vault dir in client mode')
    const chunk = randomChunk(1000)
    assert.is(await client.chunks.put(net.nodes[0].peerId, chunk.cid, chunk.bytes, { signal: AbortSignal.timeout(5_000) }), true)
    try {
      await net.nodes[0].chunks.get(client.peerId, chunk.cid, { signal: AbortSignal.timeout(5_000) })
      assert.unreachable('a client does not serve the chunk protocol')
    } catch (err) {
      assert.ok(err instanceof Error)
    }
  } finally {
    await client.stop()
    await net.stop()
    await removeDir(dataDir)
  }
})

test('a bootstrap address that is down fails start() with BootstrapError within the timeout', async () => {
  const dataDir = await makeTempDir()
  // a port nobody listens on: connection refused. The peer id is a real one we stop first.
  const net = await startNodes(1, { bootstrap: false })
  const gone = net.nodes[0].multiaddrs.map(String)
  await net.stop()
  const node = createNode({ dataDir, listen: [`/ip4/${nextLoopback()}/tcp/0`], space: MiB, bootstrap: gone, bootstrapTimeoutMs: 2_000 })
  const started = Date.now()
  try {
    await node.start()
    assert.unreachable('start should fail')
  } catch (err) {
    assert.instance(err, BootstrapError)
    assert.is((err as BootstrapError).code, 'ERR_BOOTSTRAP')
    assert.match((err as Error).message, /connection refused/)
    assert.ok(Date.now() - started < 5_000, 'bounded time')
  } finally {
    await node.stop()
    await removeDir(dataDir)
  }
})

test('one bootstrap address down, one up: the node starts', async () => {
  const dataDir = await makeTempDir()
  const dead = await startNodes(1, { bootstrap: false })
  const gone = dead.nodes[0].multiaddrs.map(String)
  await dead.stop()
  const net = await startNodes(1, { bootstrap: false })
  const node = createNode({ dataDir, listen: [`/ip4/${nextLoopback()}/tcp/0`], space: MiB, bootstrap: [...gone, ...net.nodes[0].multiaddrs.map(String)], bootstrapTimeoutMs: 2_000 })
  try {
    await node.start()
    assert.ok(node.libp2p.getConnections(net.nodes[0].peerId).length > 0)
  } finally {
    await node.stop()
    await net.stop()
    await removeDir(dataDir)
  }
})

test('a bootstrap address whose /p2p/ part names another peer says which peer answered there', async () => {
  const dataDir = await makeTempDir()
  const net = await startNodes(2, { bootstrap: false })
  // node 0's address with node 1's peer ID
  const wrong = net.nodes[0].multiaddrs[0].toString().replace(/\/p2p\/.*$/, `/p2p/${net.nodes[1].peerId.toString()}`)
  const node = createNode({ dataDir, listen: [`/ip4/${nextLoopback()}/tcp/0`], space: MiB, bootstrap: [wrong], bootstrapTimeoutMs: 3_000 })
  try {
    await node.start()
    assert.unreachable('start should fail')
  } catch (err) {
    assert.instance(err, BootstrapError)
    assert.ok((err as Error).message.includes(`with peer ID ${net.nodes[0].peerId.toString()}, not ${net.nodes[1].peerId.toString()}`), (err as Error).message)
  } finally {
    await node.stop()
    await net.stop()
    await removeDir(dataDir)
  }
})

test('an address already in use fails start() with ListenError naming it', async () => {
  const dataDir = await makeTempDir()
  const host = nextLoopback()
  const taken = createServer()
  await new Promise<void>(resolve => taken.listen(0, host, resolve))
  const port = (taken.address() as AddressInfo).port
  const node = createNode({ dataDir, listen: [`/ip4/${host}/tcp/${port}`], space: MiB })
  try {
    await node.start()
    assert.unreachable('start should fail')
  } catch (err) {
    assert.instance(err, ListenError)
    assert.is((err as ListenError).code, 'ERR_LISTEN')
    assert.is((err as Error).message, `cannot listen on /ip4/${host}/tcp/${port}: the address is already in use (another program, or another shoal node, listens there)`)
  } finally {
    await node.stop()
    taken.close()
    await removeDir(dataDir)
  }
})

test.run()
