// The swarm against holders that behave differently: a slow one loses its requests to
// the others, a lying one and a dead one are blamed and never asked again, a busy one
// (RATE_LIMITED) is waited for, not blamed; the file is exact whatever they do. Holders
// answer from a store in memory on a virtual clock: their delays cost no real time.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CID } from 'multiformats/cid'
import { RemoteError } from '@shoal/protocol'
import { putStream, readManifest, getStream, type HolderSource, type SwarmStats } from '../src/index.js'
import type { FileManifest } from '@shoal/manifest'
import { createVirtualClock } from '@shoal/runtime'
import { createMemoryStore, type Store } from '@shoal/store'
import { collect, from, pseudoRandom, sha256hex, MiB, SECRET } from './helpers.js'

const data = pseudoRandom(20 * MiB, 9)
const clock = createVirtualClock()
let store: Store
let uri = ''

test.before(async () => {
  store = createMemoryStore({ space: 64 * MiB })
  await store.start()
  uri = (await putStream(from(data), store, { convergenceSecret: SECRET, compress: false, chunker: { minSize: 64 * 1024, avgSize: 256 * 1024, maxSize: 1024 * 1024 } })).uri
})
test.after(async () => { await store.stop() })

type Behaviour = (cid: CID, signal?: AbortSignal) => Promise<Uint8Array | null>

/** Holders that all hold every chunk (from the vault) but answer as `behaviours` say. */
function swarmOf (behaviours: Record<string, Behaviour>): HolderSource & { asked: Map<string, number> } {
  const asked = new Map<string, number>()
  return {
    asked,
    get: async (cid, options) => await store.get(cid, options),
    holders: async () => Object.keys(behaviours),
    async fetchFrom (holder, cid, options) {
      asked.set(holder, (asked.get(holder) ?? 0) + 1)
      return await behaviours[holder](cid, options?.signal)
    }
  }
}

const honest: Behaviour = async (cid, signal) => await store.get(cid, { signal })
const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => { await clock.sleep(ms, { signal }) }

async function download (source: HolderSource): Promise<{ bytes: Uint8Array, stats: SwarmStats }> {
  let stats: SwarmStats | undefined
  const bytes = await clock.run(async () => await collect(getStream(uri, source, { clock, onStats: s => { stats = s } })))
  return { bytes, stats: stats as SwarmStats }
}

test('a holder 50x slower than the others ends up serving few chunks; stalled requests were duplicated', async () => {
  const manifest = await readManifest(uri, store) as FileManifest
  const source = swarmOf({
    slow: async (cid, signal) => { await sleep(400, signal); return await honest(cid, signal) },
    a: async (cid, signal) => { await sleep(8, signal); return await honest(cid, signal) },
    b: async (cid, signal) => { await sleep(8, signal); return await honest(cid, signal) }
  })
  const { bytes, stats } = await download(source)
  assert.is(sha256hex(bytes), sha256hex(data))
  const slow = stats.holders.slow?.chunks ?? 0
  assert.ok(slow < manifest.chunks.length / 6, `the slow holder delivered ${slow} of ${manifest.chunks.length}`)
  assert.ok(stats.duplicates > 0, 'stalled requests were sent again elsewhere')
  assert.equal(stats.blamed, [], 'slow is not bad')
})

test('a holder that sends wrong bytes and one that fails are blamed once and never asked again', async () => {
  const source = swarmOf({
    liar: async (cid, signal) => { const real = await honest(cid, signal); const bad = Uint8Array.from(real as Uint8Array); bad[0] ^= 1; return bad },
    dead: async () => { throw new Error('connection refused') },
    good: honest
  })
  const { bytes, stats } = await download(source)
  assert.is(sha256hex(bytes), sha256hex(data))
  assert.equal(stats.blamed.map(b => b.holder).sort(), ['dead', 'liar'])
  assert.ok(stats.blamed.find(b => b.holder === 'liar')?.reason.includes('do not hash'), JSON.stringify(stats.blamed))
  // each was asked before it was found out, then never again: at most the requests in flight at that moment
  assert.ok((source.asked.get('liar') ?? 0) <= 8, `liar asked ${source.asked.get('liar')} times`)
  assert.ok((source.asked.get('dead') ?? 0) <= 8, `dead asked ${source.asked.get('dead')} times`)
})

test('the last good holder, blamed for one failure, is asked again before a chunk is given up; a liar never is', async () => {
  // the network of a degraded swarm: one holder sends wrong bytes, the only other one
  // fails its first request (a reset, a timeout) and is fine after that
  let failures = 0
  const source = swarmOf({
    liar: async (cid, signal) => { const real = await honest(cid, signal); const bad = Uint8Array.from(real as Uint8Array); bad[0] ^= 1; return bad },
    flaky: async (cid, signal) => {
      if (failures++ === 0) throw new Error('stream reset')
      return await honest(cid, signal)
    }
  })
  const liarAsked = (): number => source.asked.get('liar') ?? 0
  const { bytes, stats } = await download(source)
  assert.is(sha256hex(bytes), sha256hex(data))
  assert.ok((source.asked.get('flaky') ?? 0) > 1, 'flaky was asked again')
  assert.equal(stats.blamed.map(b => b.holder), ['liar'], 'flaky served verified chunks after all: no longer blamed')
  assert.ok(liarAsked() <= 8, `liar asked ${liarAsked()} times: only before it was found out`)
})

test('a holder that sent one bad chunk is still asked, last, for chunks nobody else has; it stays blamed', async () => {
  // its disk has one bad blob (chunk 0); the only other holder has chunk 0 and nothing else
  const first = (await readManifest(uri, store) as FileManifest).chunks[0].cid.toString()
  const source = swarmOf({
    rotten: async (cid, signal) => {
      const real = await honest(cid, signal)
      if (cid.toString() !== first) return real
      const bad = Uint8Array.from(real as Uint8Array)
      bad[0] ^= 1
      return bad
    },
    keeper: async (cid, signal) => cid.toString() === first ? await honest(cid, signal) : null
  })
  const { bytes, stats } = await download(source)
  assert.is(sha256hex(bytes), sha256hex(data))
  assert.equal(stats.blamed.map(b => b.holder), ['rotten'], 'it sent bad bytes once: it stays blamed')
})

test('a holder that fails one chunk stays blamed though requests already in flight to it then succeed', async () => {
  // its disk has one bad blob (it says so: INTEGRITY); its other answers are slow, so they are in flight when that one fails
  const first = (await readManifest(uri, store) as FileManifest).chunks[0].cid.toString()
  const source = swarmOf({
    flawed: async (cid, signal) => {
      if (cid.toString() === first) throw new RemoteError('INTEGRITY', 'stored blob is corrupt')
      await sleep(50, signal)
      return await honest(cid, signal)
    },
    good: async (cid, signal) => { await sleep(5, signal); return await honest(cid, signal) }
  })
  const { bytes, stats } = await download(source)
  assert.is(sha256hex(bytes), sha256hex(data))
  assert.equal(stats.blamed.map(b => b.holder), ['flawed'], JSON.stringify(stats.blamed))
})

test('a busy holder (RATE_LIMITED) is backed off, not blamed', async () => {
  let refusals = 0
  const source = swarmOf({
    busy: async (cid, signal) => {
      if (refusals++ % 2 === 0) throw new RemoteError('RATE_LIMITED', 'too many requests')
      return await honest(cid, signal)
    }
  })
  const { bytes, stats } = await download(source)
  assert.is(sha256hex(bytes), sha256hex(data))
  assert.equal(stats.blamed, [])
  assert.ok(refusals > 1)
})

test('when none of the listed holders has a chunk, the swarm asks the source once more (refresh) and gets it', async () => {
  let refreshes = 0
  const source: HolderSource = {
    get: async (cid, options) => await store.get(cid, options),
    holders: async (_cid, options) => { if (options?.refresh === true) { refreshes++; return ['stale', 'real'] } return ['stale', 'gone'] },
    fetchFrom: async (holder, cid, options) => holder === 'real' ? await honest(cid, options?.signal) : null
  }
  const { bytes } = await download(source)
  assert.is(sha256hex(bytes), sha256hex(data))
  assert.ok(refreshes > 0)
})

test('no holder has a chunk: ChunkNotFoundError', async () => {
  const source = swarmOf({ empty: async () => null, other: async () => null })
  try {
    await download(source)
    assert.unreachable('should have failed')
  } catch (err) {
    assert.is((err as { code?: string }).code, 'ERR_CHUNK_NOT_FOUND')
  }
})

test.run()
