// Erasure-coded files over the network source on the in-memory network: a piece's holders
// are looked up around its stripe's key (its own peer first), a data chunk whose pieces
// are gone is rebuilt from the rest of its stripe, check counts pieces with HAS, and a
// stripe short of k pieces is named.
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { FileManifest } from '@shoal/manifest'
import { stripeKey } from '@shoal/protocol'
import {
  checkFile, getStream, putStream, readContent, readManifest, StripeLayout, StripeLostError,
  type ChunkSink, type SwarmStats
} from '@shoal/client'
import { sortByDistance } from '../src/closest-peers.js'
import { createNetworkSink, createNetworkSource } from '../src/memory.js'
import { memoryTestnet, type MemoryTestnet } from './memory-helpers.js'

const MiB = 1024 * 1024
const CHUNKING = { minSize: 64 * 1024, avgSize: 128 * 1024, maxSize: 256 * 1024 }
const reader = 11

let t: MemoryTestnet
let data: Uint8Array
let uri = ''
let manifest: FileManifest
let layout: StripeLayout

/**
 * Places a stripe as docs/durability.md says (piece i on the i-th peer closest to its
 * key), with plain PUTs: the network sink's own putStripe is built beside this.
 */
function stripeSink (): ChunkSink {
  const sink = createNetworkSink(t.nodes[0], { replicas: 3, clock: t.clock, random: t.random })
  const uploader = t.nodes[0]
  return {
    put: async (cid, bytes, options) => await sink.put(cid, bytes, options),
    putStripe: async pieces => {
      const peers = sortByDistance(stripeKey(pieces.map(p => p.cid)), t.nodes.map(n => n.peerId))
      return await Promise.all(pieces.map(async (piece, i) => peers[i].equals(uploader.peerId)
        ? await uploader.store?.put(piece.cid, piece.bytes) === true
        : await uploader.chunks.put(peers[i], piece.cid, piece.bytes)))
    }
  }
}

/** Where the uploader put piece `index` of `stripe`. */
function holderOf (stripe: number, index: number): MemoryTestnet['nodes'][number] {
  const peers = sortByDistance(layout.key(stripe), t.nodes.map(n => n.peerId))
  return t.net.node(peers[index]) as MemoryTestnet['nodes'][number]
}

async function drop (stripe: number, index: number): Promise<void> {
  assert.ok(await holderOf(stripe, index).store?.delete(layout.pieces(stripe)[index]), `stripe ${stripe} piece ${index} was held`)
}

async function download (): Promise<{ hash: string, stats: SwarmStats }> {
  return await t.clock.run(async () => {
    const source = createNetworkSource(t.nodes[reader], { clock: t.clock, random: t.random, requestTimeoutMs: 3_000 })
    let stats: SwarmStats | undefined
    const hash = createHash('sha256')
    for await (const part of getStream(uri, source, { clock: t.clock, onStats: s => { stats = s } })) hash.update(part)
    return { hash: hash.digest('hex'), stats: stats as SwarmStats }
  })
}

/** The two pieces of stripe s deleted: data and parity pieces in turn, never the same one twice. */
function lostOf (s: number): [number, number] {
  const width = layout.pieces(s).length
  const a = s % width
  return [a, (a + 1 + (s % 2)) % width]
}

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

test.before(async () => {
  t = await memoryTestnet({ nodes: 12, seed: 13, latencyMs: () => 10, lookupMs: 30 })
  await t.clock.run(async () => {
    data = t.random.bytes(3 * MiB + 777)
    uri = (await putStream((async function * () { yield data })(), stripeSink(), { convergenceSecret: t.random.bytes(32), workers: 0, compress: false, chunker: CHUNKING, redundancy: { scheme: 'erasure', k: 4, m: 2 } })).uri
    manifest = await readManifest(uri, createNetworkSource(t.nodes[reader], { clock: t.clock, random: t.random })) as FileManifest
  })
  layout = new StripeLayout(manifest)
})
test.after(async () => { await t.net.stop() })

test('a piece\'s holders are the peers around its stripe\'s key, the one it was put on first', async () => {
  const source = createNetworkSource(t.nodes[reader], { clock: t.clock, random: t.random })
  for (const index of [0, 3, 5]) {
    const holders = await t.clock.run(async () => await source.holders(layout.pieces(1)[index], { placement: layout.placement(1, index) }))
    assert.is(holders[0], holderOf(1, index).peerId.toString())
    assert.ok(holders.length >= 6)
  }
})

test('nothing lost: exact, nothing rebuilt', async () => {
  const { hash, stats } = await download()
  assert.is(hash, sha(data))
  assert.is(stats.rebuilt, 0)
})

test('2 pieces of every stripe deleted: check says recoverable, the file and a Range of it come back exact', async () => {
  for (let s = 0; s < layout.count; s++) {
    for (const index of lostOf(s)) await drop(s, index)
  }
  const source = createNetworkSource(t.nodes[reader], { clock: t.clock, random: t.random, requestTimeoutMs: 3_000 })
  const health = await t.clock.run(async () => await checkFile(manifest, source))
  assert.ok(health.recoverable)
  assert.is(health.short, layout.count)
  assert.ok(health.units.every(unit => unit.live === unit.target - 2), JSON.stringify(health.units))

  const { hash, stats } = await download()
  assert.is(hash, sha(data))
  assert.ok(stats.rebuilt > 0, `${stats.rebuilt} rebuilt`)

  const first = 6
  const refs = manifest.chunks.slice(first, first + 7)
  const offset = manifest.chunks.slice(0, first).reduce((n, ref) => n + ref.size, 0)
  const length = refs.reduce((n, ref) => n + ref.size, 0)
  const range = await t.clock.run(async () => {
    const parts: Uint8Array[] = []
    for await (const part of readContent(refs, source, { clock: t.clock, file: { manifest, first } })) parts.push(part)
    return Buffer.concat(parts)
  })
  assert.is(sha(range), sha(data.subarray(offset, offset + length)))
})

test('a third piece of stripe 1 deleted: check and get both name stripe 1', async () => {
  const missing = lostOf(1)
  const third = [0, 2, 3, 5].find(i => !missing.includes(i)) as number
  await drop(1, third)
  const expected = [...missing, third].sort((a, b) => a - b)
  const source = createNetworkSource(t.nodes[reader], { clock: t.clock, random: t.random })
  const health = await t.clock.run(async () => await checkFile(manifest, source))
  assert.not.ok(health.recoverable)
  assert.is(health.worst?.index, 1)
  assert.equal(health.worst?.missing, expected)
  try {
    await download()
    assert.unreachable('stripe 1 is lost')
  } catch (err) {
    assert.instance(err, StripeLostError)
    assert.is((err as StripeLostError).stripe, 1)
    assert.equal((err as StripeLostError).missing, expected)
  }
})

test.run()
