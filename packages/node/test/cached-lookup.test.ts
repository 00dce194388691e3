import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { chunkKey, sortByDistance } from '../src/closest-peers.js'
import { cachedLookup, DHT_K, type PeerLookup } from '../src/lookup.js'

// cachedLookup decides how many DHT queries an operation makes; a counting lookup over a
// fixed set of peers stands in for the DHT (which would answer the same set).
async function peers (n: number): Promise<PeerId[]> {
  return await Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
}

function cidOf (i: number): CID {
  return CID.createV1(0x55, Digest.create(0x12, createHash('sha256').update(String(i)).digest()))
}

function counting (all: PeerId[]): PeerLookup & { asked: number } {
  const lookup = {
    asked: 0,
    closestPeers: async (key: Uint8Array, count: number) => {
      lookup.asked++
      return sortByDistance(key, all).slice(0, count)
    }
  }
  return lookup
}

test('a small network: one random-key lookup for the whole operation, closest peers computed locally', async () => {
  const all = await peers(8)
  const dht = counting(all)
  const lookup = cachedLookup(dht, { count: 3 })
  for (let i = 0; i < 20; i++) {
    const cid = cidOf(i)
    assert.equal((await lookup(cid, {})).map(String), sortByDistance(chunkKey(cid), all).slice(0, 3).map(String))
  }
  assert.is(dht.asked, 1)
})

test('a join check\'s answer stands in for that first lookup: no query at all', async () => {
  const all = await peers(8)
  const dht = counting(all)
  const lookup = cachedLookup(dht, { count: 3, network: all })
  for (let i = 0; i < 20; i++) {
    const cid = cidOf(i)
    assert.equal((await lookup(cid, {})).map(String), sortByDistance(chunkKey(cid), all).slice(0, 3).map(String))
  }
  assert.is(dht.asked, 0)
})

test('a network of K or more peers: each chunk gets its own lookup, once', async () => {
  const all = await peers(DHT_K + 2)
  const dht = counting(all)
  const lookup = cachedLookup(dht, { count: 3, network: all.slice(0, DHT_K + 1) })
  for (let i = 0; i < 5; i++) await lookup(cidOf(i), {})
  for (let i = 0; i < 5; i++) await lookup(cidOf(i), {})
  assert.is(dht.asked, 5)
})

test('the cache is bounded: answers of the last `keep` chunks are kept, older ones asked again', async () => {
  const all = await peers(DHT_K + 2)
  const dht = counting(all)
  const lookup = cachedLookup(dht, { count: 3, network: all.slice(0, DHT_K + 1), keep: 4 })
  for (let i = 0; i < 6; i++) await lookup(cidOf(i), {}) // 0 and 1 are pushed out by 4 and 5
  assert.is(dht.asked, 6)
  for (let i = 2; i < 6; i++) await lookup(cidOf(i), {})
  assert.is(dht.asked, 6, 'the last four are still cached')
  const again = await lookup(cidOf(0), {})
  assert.is(dht.asked, 7, 'the oldest was forgotten and is looked up afresh')
  assert.equal(again.map(String), sortByDistance(chunkKey(cidOf(0)), all).slice(0, 3).map(String))
})

test.run()
