// The routing model against theory and against a holder leaving: walks over the nodes'
// own tables find the closest peers, in about log_{2^b}(N) rounds for the paper's tables
// (b ≈ log2 k bits gained a round) and never more than log2(N); and right after a holder
// leaves, a walk that meets its stale entry pays the timeout and still finds the others.
import type { PeerId } from '@libp2p/interface'
import { createMemoryNetwork, DHT_K, type MemoryNetwork } from '@shoal/node/memory'
import { createVirtualClock, seededRandom, type VirtualClock } from '@shoal/runtime'
import { createMemoryStore } from '@shoal/store'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createKademlia, type KademliaMembership } from '../src/kademlia.js'
import type { TableShape } from '../src/kademlia-table.js'

interface Lab { net: MemoryNetwork, kad: KademliaMembership, clock: VirtualClock, walks: Array<{ hops: number, messages: number, ms: number }> }

/** n vaults that joined one after another, each then walked once for its own ID (as its first repair tick does). */
async function lab (n: number, shape: TableShape, seed: number): Promise<Lab> {
  const clock = createVirtualClock()
  const random = seededRandom(seed)
  const walks: Lab['walks'] = []
  const kad = createKademlia({ random, now: () => clock.now(), reachable: id => net.node(id)?.up === true, latencyMs: () => 25, shape, onWalk: w => walks.push(w) })
  const net = createMemoryNetwork({ clock, random, membership: kad, trace: false, store: () => createMemoryStore({ space: 1e9 }) })
  await clock.run(async () => {
    for (let i = 0; i < n; i++) await net.add({ repair: false })
    for (const vault of net.nodes) await vault.closestPeers(vault.peerId.toMultihash().bytes, DHT_K)
  })
  walks.length = 0
  return { net, kad, clock, walks }
}

const names = (peers: PeerId[]): string[] => peers.map(String)

async function randomWalks (l: Lab, count: number, seed: number): Promise<{ meanHops: number, maxHops: number, found: number }> {
  const random = seededRandom(seed)
  let found = 0
  await l.clock.run(async () => {
    for (let i = 0; i < count; i++) {
      const key = random.bytes(34)
      const asker = l.net.nodes[random.int(l.net.nodes.length)]
      const answer = await asker.closestPeers(key, 3)
      if (String(answer[0]) === String(l.kad.closest(key, 1)[0])) found++
    }
  })
  const hops = l.walks.map(w => w.hops)
  return { meanHops: hops.reduce((a, b) => a + b, 0) / hops.length, maxHops: Math.max(...hops), found: found / count }
}

test('the paper\'s tables: hops grow as log N, within log_{2^b}(N) .. +1.5 rounds, and the closest peer is found', async () => {
  const means: number[] = []
  for (const n of [100, 400, 1600]) {
    const { meanHops, maxHops, found } = await randomWalks(await lab(n, 'kademlia', n), 200, 1)
    // b = log2(k): a bucket of k peers picked at random from a subtree gains ~log2(k) bits
    const theory = Math.log(n) / Math.log(DHT_K)
    assert.ok(meanHops >= theory && meanHops <= theory + 1.5, `${n} vaults: mean hops ${meanHops.toFixed(2)} against log_${DHT_K}(N) = ${theory.toFixed(2)}`)
    assert.ok(maxHops <= Math.ceil(Math.log2(n)), `${n} vaults: at most log2(N) rounds (${maxHops})`)
    assert.ok(found >= 0.98, `${n} vaults: the closest peer found in ${found} of walks`)
    means.push(meanHops)
  }
  assert.ok(means[0] < means[1] && means[1] < means[2], `more vaults, more hops (${means.map(m => m.toFixed(2)).join(', ')})`)
})

test('kad-dht\'s tables (64 prefixes × k): the closest peer is found, in fewer than log2(N) rounds', async () => {
  for (const n of [100, 400]) {
    const { meanHops, maxHops, found } = await randomWalks(await lab(n, 'kad-dht', n), 200, 2)
    assert.ok(maxHops <= Math.ceil(Math.log2(n)), `${n} vaults: max hops ${maxHops}, mean ${meanHops.toFixed(2)}`)
    assert.ok(found >= 0.98, `${n} vaults: the closest peer found in ${found} of walks`)
  }
})

test('right after a holder leaves, a walk that still lists it pays the timeout and finds the other holders', async () => {
  const l = await lab(80, 'kad-dht', 5)
  const key = seededRandom(9).bytes(34)
  const holders = l.kad.closest(key, 3)
  const [gone, ...others] = holders
  // an asker whose own table still lists the holder that is about to leave
  const asker = l.net.nodes.find(n => !holders.some(h => h.equals(n.peerId)) && names(l.kad.tableOf(n.peerId)).includes(String(gone)))
  assert.ok(asker !== undefined, 'some vault knows the first holder')
  l.net.node(gone)?.leave()
  let answer: PeerId[] = []
  const from = l.clock.now()
  await l.clock.run(async () => { answer = await asker.closestPeers(key, 3 + 4) })
  assert.ok(l.clock.now() - from >= 5000, `the walk waited out its message to the holder that left (${l.clock.now() - from} ms)`)
  for (const holder of others) assert.ok(names(answer).includes(String(holder)), 'the other holders are found')
  assert.not.ok(names(answer).includes(String(gone)), 'the holder that left is no longer listed')
  assert.not.ok(names(l.kad.tableOf(asker.peerId)).includes(String(gone)), 'and the asker dropped it from its table')
})

test.run()
