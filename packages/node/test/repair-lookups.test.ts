// What the repair loop is told are a chunk's closest peers (repair-lookups.ts): its routing
// table, and the neighbours its last walk for its own ID found. A table that knows only a
// few of the peers near a chunk (kad-dht 16's, past ~1,280 vaults) must not make the
// repairer place copies on other peers than placement did.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { seededRandom } from '@shoal/runtime'
import { sortByDistance } from '../src/closest-peers.js'
import { repairLookups } from '../src/repair-lookups.js'

const random = seededRandom(7)
const peers: PeerId[] = []
for (let i = 0; i < 200; i++) peers.push(peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', random.bytes(32))))
const self = peers[0]
// a chunk this vault holds: among its three closest peers
const key = [...Array(400)].map(() => random.bytes(34)).find(k => sortByDistance(k, peers).slice(0, 3).includes(self))!
const truth = sortByDistance(key, peers).slice(0, 3).map(String)

function repairOver (table: PeerId[]): { calls: string[], lookups: ReturnType<typeof repairLookups> } {
  const calls: string[] = []
  return {
    calls,
    lookups: repairLookups({
      self,
      local: (k, count) => sortByDistance(k, [self, ...table]).slice(0, count),
      network: async (k, count) => { calls.push(Buffer.from(k).toString('hex')); return sortByDistance(k, peers).slice(0, count) }
    })
  }
}

test('a thin table: after the walk for its own ID, the chunk\'s true closest peers, with no lookup per chunk', async () => {
  // the table knows many peers, but none of the two others next to the chunk
  const table = peers.filter(p => p !== self && !truth.includes(p.toString())).slice(0, 60)
  const { calls, lookups } = repairOver(table)
  assert.not.equal((await lookups.closestPeers(key, 3)).map(String), truth, 'the table alone misses them')
  await lookups.refreshNeighbours?.({})
  const walks = calls.length
  assert.equal((await lookups.closestPeers(key, 3)).map(String), truth)
  assert.is(calls.length, walks, 'answered from the table and the neighbours')
})

test('a table thinner than asked and no walk yet: the network is asked', async () => {
  const { calls, lookups } = repairOver([])
  assert.equal((await lookups.closestPeers(key, 3)).map(String), truth)
  assert.is(calls.length, 1)
})

test.run()
