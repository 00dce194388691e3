import { createHash } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chunkKey, sortByDistance } from '../src/index.js'
import { randomChunk, startNodes, waitForMesh, type Testnet } from './helpers.js'

let net: Testnet

test.before(async () => { net = await startNodes(3) })
test.after(async () => { await net.stop() })

async function closestPeers (index: number, key: Uint8Array): Promise<string[]> {
  const found = new Set<string>()
  for await (const ev of net.nodes[index].libp2p.services.dht.getClosestPeers(key, { signal: AbortSignal.timeout(5_000) })) {
    if (ev.name === 'FINAL_PEER') found.add(ev.peer.id.toString())
  }
  return [...found]
}

test('three nodes find each other as closest peers through the DHT', async () => {
  const key = createHash('sha256').update('some chunk').digest()
  const ids = net.nodes.map(n => n.peerId.toString())
  // routing tables fill as identify runs after each connection: retry for a while
  const deadline = Date.now() + 15_000
  let results: string[][] = []
  while (Date.now() < deadline) {
    results = await Promise.all(net.nodes.map(async (_, i) => await closestPeers(i, key).catch(() => [])))
    if (results.every((found, i) => ids.filter((_, j) => j !== i).every(id => found.includes(id)))) break
    await delay(250)
  }
  results.forEach((found, i) => {
    for (const [j, id] of ids.entries()) {
      if (j !== i) assert.ok(found.includes(id), `node ${i} finds node ${j} (found ${found.length})`)
    }
  })
})

test('a DHT query on a node with no peers ends when its signal fires', async () => {
  const lonely = await startNodes(1, { bootstrap: false })
  try {
    const started = Date.now()
    const key = createHash('sha256').update('nothing').digest()
    try {
      for await (const ev of lonely.nodes[0].libp2p.services.dht.getClosestPeers(key, { signal: AbortSignal.timeout(1_000) })) void ev
    } catch {}
    assert.ok(Date.now() - started < 3_000)
  } finally {
    await lonely.stop()
  }
})

test('closestPeers (kad-dht and the routing table) lists every node, itself included, XOR-closest first', async () => {
  await waitForMesh(net)
  const key = chunkKey(randomChunk(16).cid)
  const found = await net.nodes[0].closestPeers(key, 10, { signal: AbortSignal.timeout(5_000) })
  assert.equal(found.map(String), sortByDistance(key, net.nodes.map(n => n.peerId)).map(String))
})

test.run()
