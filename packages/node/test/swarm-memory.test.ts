// The swarming downloader (@shoal/client) over the real network source and placement, on
// the in-memory network: what a download does when holders are down, silent, flaky or lying.
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CID } from 'multiformats/cid'
import { getStream, putStream, type ChunkSink, type SwarmStats } from '@shoal/client'
import { createNetworkSink, createNetworkSource, type NetworkSink } from '../src/memory.js'
import { memoryTestnet, type MemoryTestnet } from './memory-helpers.js'

const MiB = 1024 * 1024
const CHUNKING = { minSize: 64 * 1024, avgSize: 256 * 1024, maxSize: 1024 * 1024 }

let t: MemoryTestnet
let sink: NetworkSink
let uri = ''
let sent = ''
const placed: CID[] = []

test.before(async () => {
  t = await memoryTestnet({ nodes: 12, seed: 5, latencyMs: () => 20, lookupMs: 60 })
  await t.clock.run(async () => {
    const data = t.random.bytes(4 * MiB)
    sent = createHash('sha256').update(data).digest('hex')
    sink = createNetworkSink(t.nodes[0], { replicas: 3, clock: t.clock, random: t.random })
    const recording: ChunkSink = { put: async (cid, bytes, options) => { placed.push(cid); return await sink.put(cid, bytes, options) } }
    uri = (await putStream((async function * () { yield data })(), recording, { convergenceSecret: t.random.bytes(32), workers: 0, compress: false, chunker: CHUNKING })).uri
  })
})
test.after(async () => { await t.net.stop() })

async function download (readerIndex: number, requestTimeoutMs = 3_000): Promise<{ got: string, stats: SwarmStats, virtualMs: number }> {
  return await t.clock.run(async () => {
    const started = t.clock.now()
    const source = createNetworkSource(t.nodes[readerIndex], { clock: t.clock, random: t.random, requestTimeoutMs })
    let stats: SwarmStats | undefined
    const hash = createHash('sha256')
    for await (const piece of getStream(uri, source, { clock: t.clock, onStats: s => { stats = s } })) hash.update(piece)
    return { got: hash.digest('hex'), stats: stats as SwarmStats, virtualMs: t.clock.now() - started }
  })
}

const reader = 11
const holdersOf = (cid: CID): string[] => sink.holders(cid).map(String).filter(p => p !== t.nodes[reader].peerId.toString())

test('every holder up: exact, nobody blamed', async () => {
  const { got, stats } = await download(reader)
  assert.is(got, sent)
  assert.equal(stats.blamed, [])
})

test('the last live holder of a chunk, failing its first request, is asked once more and serves it', async () => {
  const chunk = placed.find(cid => holdersOf(cid).length === 3) as CID
  const [good, ...down] = holdersOf(chunk).map(p => t.net.node(p)!)
  for (const node of down) node.kill()
  let failedOnce = false
  good.behave(async (request, _from, honest) => {
    if (request.type === 'get' && request.cid.equals(chunk) && !failedOnce) {
      failedOnce = true
      throw new Error('connection reset')
    }
    return await honest(request)
  })
  try {
    const { got, stats } = await download(reader)
    assert.is(got, sent)
    assert.ok(failedOnce, 'the good holder did fail once')
    assert.ok(!stats.blamed.some(b => b.holder === good.peerId.toString()), 'and is not blamed any more')
    assert.ok(down.every(d => stats.blamed.some(b => b.holder === d.peerId.toString())), 'the dead ones are')
  } finally {
    good.behave(null)
    for (const node of down) node.revive()
  }
})

test('a silent holder costs a stalled request, not the download: its chunks come from others well before its deadline', async () => {
  const silent = t.net.node(holdersOf(placed[0])[0])!
  silent.kill({ silent: true })
  try {
    const { got, stats, virtualMs } = await download(reader, 30_000)
    assert.is(got, sent)
    assert.ok(stats.duplicates > 0, 'stalled requests were duplicated to other holders')
    assert.ok(virtualMs < 30_000, `done in ${virtualMs} virtual ms, under one 30 s request deadline`)
  } finally {
    silent.revive()
  }
})

test('a holder sending wrong bytes is blamed as a liar and never asked again; the file is exact', async () => {
  const liar = t.net.node(holdersOf(placed[1])[0])!
  let served = 0
  liar.behave(async (request, _from, honest) => {
    const answer = await honest(request)
    if (answer.type !== 'data') return answer
    served++
    const bytes = Uint8Array.from(answer.bytes)
    bytes[0] ^= 1
    return { ...answer, bytes }
  })
  try {
    const { got, stats } = await download(reader)
    assert.is(got, sent)
    const blame = stats.blamed.find(b => b.holder === liar.peerId.toString())
    assert.ok(blame?.reason.includes('do not hash'), JSON.stringify(stats.blamed))
    assert.ok(served >= 1 && served <= 2, `asked once (or twice, at the same moment), got ${served}`)
  } finally {
    liar.behave(null)
  }
})

for (const silent of [false, true]) {
  test(`all three holders of a chunk ${silent ? 'silent' : 'refusing connections'}: ChunkNotFoundError saying what they did, within ${silent ? 'about two request deadlines a holder' : 'a second'}`, async () => {
    const chunk = placed.find(cid => holdersOf(cid).length === 3) as CID
    const gone = holdersOf(chunk).map(p => t.net.node(p)!)
    for (const node of gone) node.kill({ silent })
    try {
      const started = t.clock.now()
      let error: Error | undefined
      try {
        await download(reader, 30_000)
      } catch (err) {
        error = err as Error
      }
      const took = t.clock.now() - started
      assert.ok(error !== undefined, 'the get fails')
      assert.is((error as { code?: string }).code, 'ERR_CHUNK_NOT_FOUND')
      // its three holders, and as a last resort every other holder the download knows of
      assert.match(error.message, new RegExp(`^chunk ${chunk.toString()} not found: \\d+ holders asked: 3 ${silent ? 'timed out' : 'failed'}, \\d+ did not have it$`))
      // the bound the README states: at once when holders refuse; silent ones are each
      // asked, then asked once more as a last resort, at a 30 s deadline per request
      assert.ok(took < (silent ? 130_000 : 1_000), `failed after ${took} virtual ms`)
    } finally {
      for (const node of gone) node.revive()
    }
  })
}

test.run()
