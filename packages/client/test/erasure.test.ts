// Erasure-coded files (rs:4+2) end to end over holders in memory: the manifest records
// the stripes, every piece sits on its own holder, any 2 lost pieces of every stripe still
// give the exact file (whole, streamed, a Range in the middle, written to disk), 3 lost
// name the stripe; short last stripes, a one-chunk file and identical chunks.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { FileManifest } from '@shoal/manifest'
import { createMemoryStore } from '@shoal/store'
import {
  checkFile, getFile, getStream, putStream, readContent, readManifest, StripeLayout, StripeLostError,
  type PutResult, type SwarmStats
} from '../src/index.js'
import { collect, from, KiB, MiB, pseudoRandom, SECRET, sha256hex } from './helpers.js'
import { stripedNet, type StripedNet } from './stripes.js'

const CHUNKING = { minSize: 64 * KiB, avgSize: 128 * KiB, maxSize: 256 * KiB }
const RS = { scheme: 'erasure', k: 4, m: 2 } as const

interface Stored { net: StripedNet, put: PutResult, manifest: FileManifest, layout: StripeLayout }

async function store (data: Uint8Array, options: { compress?: boolean } = {}): Promise<Stored> {
  const net = stripedNet(10)
  const put = await putStream(from(data), net.sink, { convergenceSecret: SECRET, workers: 0, compress: options.compress ?? false, chunker: CHUNKING, redundancy: RS })
  const manifest = await readManifest(put.uri, net.source) as FileManifest
  return { net, put, manifest, layout: new StripeLayout(manifest) }
}

async function streamed (stored: Stored): Promise<{ bytes: Uint8Array, stats: SwarmStats }> {
  let stats: SwarmStats | undefined
  const bytes = await collect(getStream(stored.put.uri, stored.net.source, { onStats: s => { stats = s } }))
  return { bytes, stats: stats as SwarmStats }
}

/** The two pieces of stripe s to lose: every pair of the six, in turn (data and data, data and parity, parity and parity). */
function pairFor (s: number): [number, number] {
  const pairs: Array<[number, number]> = []
  for (let a = 0; a < 6; a++) for (let b = a + 1; b < 6; b++) pairs.push([a, b])
  return pairs[s % pairs.length]
}

const data = pseudoRandom(6 * MiB + 12_345, 21)
let big: Stored

test.before(async () => { big = await store(data) })

test('the manifest is version 3 and records each stripe: m parity CIDs as long as its longest chunk', () => {
  const { manifest, layout } = big
  assert.is(manifest.version, 3)
  assert.equal(manifest.redundancy, RS)
  assert.is(manifest.stripes?.length, Math.ceil(manifest.chunks.length / 4))
  assert.ok(manifest.chunks.length % 4 !== 0, `a short last stripe: ${manifest.chunks.length} chunks`)
  for (let s = 0; s < layout.count; s++) {
    assert.is(manifest.stripes?.[s].parity.length, 2)
    assert.is(manifest.stripes?.[s].size, Math.max(...layout.sizes(s).slice(0, layout.dataPieces(s))))
  }
  assert.is(layout.dataPieces(layout.count - 1), manifest.chunks.length % 4)
})

test('every piece of a stripe is on its own holder; parity counts in what was stored', () => {
  const { net, layout, put } = big
  for (let s = 0; s < layout.count; s++) {
    const pieces = layout.pieces(s)
    const places = pieces.map((_, i) => net.holderOf(pieces, i))
    assert.is(new Set(places).size, pieces.length)
    pieces.forEach((cid, i) => assert.ok(net.holders.get(places[i])?.has(cid.toString()), `stripe ${s} piece ${i}`))
  }
  const parityBytes = big.manifest.stripes?.reduce((n, stripe) => n + stripe.size * 2, 0) ?? 0
  const dataBytes = big.manifest.chunks.reduce((n, ref) => n + ref.stored, 0)
  assert.ok(put.storedBytes >= dataBytes + parityBytes, `${put.storedBytes} stored`)
  assert.is(put.chunks, big.manifest.chunks.length)
})

test('nothing lost: data pieces only, nothing rebuilt', async () => {
  const { bytes, stats } = await streamed(big)
  assert.is(sha256hex(bytes), sha256hex(data))
  assert.is(stats.rebuilt, 0)
  assert.is(stats.chunks, big.manifest.chunks.length)
})

test('any 2 pieces of every stripe lost: getStream, getFile and a Range read in the middle are exact', async () => {
  const lost = await store(data)
  const { net, layout, manifest } = lost
  for (let s = 0; s < layout.count; s++) for (const index of pairFor(s)) net.drop(layout.pieces(s), index)
  const health = await checkFile(manifest, net.source)
  assert.ok(health.recoverable)
  assert.is(health.worst?.live, 4)
  assert.is(health.short, layout.count)

  const { bytes, stats } = await streamed(lost)
  assert.is(sha256hex(bytes), sha256hex(data))
  assert.ok(stats.rebuilt > layout.count / 2, `${stats.rebuilt} chunks rebuilt`)

  const dir = await mkdtemp(join(tmpdir(), 'shoal-rs-'))
  try {
    const result = await getFile(lost.put.uri, net.source, join(dir, 'out'))
    assert.is(result.size, data.byteLength)
    assert.is(sha256hex(await readFile(join(dir, 'out'))), sha256hex(data))
  } finally { await rm(dir, { recursive: true, force: true }) }

  // chunks 5..13: stripes 1 to 3, starting and ending mid-stripe
  const first = 5
  const refs = manifest.chunks.slice(first, 14)
  const offset = manifest.chunks.slice(0, first).reduce((n, ref) => n + ref.size, 0)
  const length = refs.reduce((n, ref) => n + ref.size, 0)
  const range = await collect(readContent(refs, net.source, { file: { manifest, first } }))
  assert.is(sha256hex(range), sha256hex(data.subarray(offset, offset + length)))
})

test('3 pieces of one stripe lost: StripeLostError names the stripe and its missing pieces; check says so first', async () => {
  const lost = await store(data)
  const { net, layout, manifest } = lost
  for (const index of [0, 2, 5]) net.drop(layout.pieces(2), index)
  const health = await checkFile(manifest, net.source)
  assert.not.ok(health.recoverable)
  assert.equal(health.worst, { index: 2, live: 3, target: 6, recoverable: false, missing: [0, 2, 5] })
  try {
    await streamed(lost)
    assert.unreachable('the stripe is lost')
  } catch (err) {
    assert.instance(err, StripeLostError)
    const e = err as StripeLostError
    assert.is(e.code, 'ERR_STRIPE_LOST')
    assert.is(e.stripe, 2)
    assert.equal(e.missing, [0, 2, 5])
    assert.is(e.needed, 4)
    assert.match(e.message, 'stripe 2 cannot be rebuilt: pieces 0, 2, 5 of its 6 are missing')
  }
})

test('a one-chunk file is a stripe of 1 + 2 (its parity is the chunk itself: three copies): any 2 lost, exact; all 3, the stripe is named', async () => {
  const tiny = pseudoRandom(10 * KiB, 4)
  const stored = await store(tiny)
  const { net, layout, manifest } = stored
  assert.is(manifest.chunks.length, 1)
  assert.is(layout.dataPieces(0), 1)
  assert.is(layout.pieces(0).length, 3)
  net.drop(layout.pieces(0), 0)
  net.drop(layout.pieces(0), 1)
  assert.is(sha256hex((await streamed(stored)).bytes), sha256hex(tiny))
  net.drop(layout.pieces(0), 2)
  try {
    await streamed(stored)
    assert.unreachable('every piece is gone')
  } catch (err) {
    assert.instance(err, StripeLostError)
    assert.is((err as StripeLostError).stripe, 0)
    assert.equal((err as StripeLostError).missing, [0, 1, 2])
  }
})

test('an empty file has no stripes and reads back empty', async () => {
  const stored = await store(new Uint8Array(0))
  assert.equal(stored.manifest.stripes, [])
  assert.is((await streamed(stored)).bytes.byteLength, 0)
})

test('identical chunks (convergent dedup): one CID is several pieces of a stripe, each on its own holder; 2 of them lost, still exact', async () => {
  const zeros = new Uint8Array(5 * 256 * KiB + 1000)
  const stored = await store(zeros)
  const { net, layout, manifest } = stored
  const pieces = layout.pieces(0)
  assert.is(new Set(pieces.slice(0, 4).map(String)).size, 1, 'the first stripe is four times the same chunk')
  assert.is(new Set(pieces.map((_, i) => net.holderOf(pieces, i))).size, 6)
  net.drop(pieces, 0)
  net.drop(pieces, 3)
  // the parity of four identical pieces is that piece again: one CID is all six pieces,
  // and the four peers of the stripe still holding it cover four of them
  assert.is(new Set(pieces.map(String)).size, 1)
  assert.is((await checkFile(manifest, net.source)).units[0].live, 4)
  const { bytes } = await streamed(stored)
  assert.is(sha256hex(bytes), sha256hex(zeros))
  // and with both parity pieces lost too, nothing can be made of two copies of the chunk but itself
  net.drop(pieces, 4)
  net.drop(pieces, 5)
  assert.is(sha256hex((await streamed(stored)).bytes), sha256hex(zeros))
})

test('into a local vault (a sink without putStripe): every piece stored with put, read back exact', async () => {
  const vault = createMemoryStore({ space: 64 * MiB })
  await vault.start()
  try {
    const put = await putStream(from(data), vault, { convergenceSecret: SECRET, workers: 0, chunker: CHUNKING, redundancy: RS })
    const manifest = await readManifest(put.uri, vault) as FileManifest
    const parity = manifest.stripes?.flatMap(stripe => stripe.parity) ?? []
    assert.ok(parity.length > 0)
    for (const cid of parity) assert.ok(await vault.has(cid))
    assert.is(sha256hex(await collect(getStream(put.uri, vault))), sha256hex(data))
    // the vault lost a chunk: rebuilt from the rest of its stripe
    await vault.delete(manifest.chunks[1].cid)
    assert.is(sha256hex(await collect(getStream(put.uri, vault))), sha256hex(data))
  } finally { await vault.stop() }
})

test('a replicated file is unchanged: version 1, no stripes, check counts holders per chunk', async () => {
  const net = stripedNet(10)
  const put = await putStream(from(data.subarray(0, MiB)), net.sink, { convergenceSecret: SECRET, workers: 0, chunker: CHUNKING })
  const manifest = await readManifest(put.uri, net.source) as FileManifest
  assert.is(manifest.version, 1)
  assert.not.ok('stripes' in manifest)
  const health = await checkFile(manifest, net.source)
  assert.ok(health.recoverable)
  assert.is(health.units.length, manifest.chunks.length)
  assert.ok(health.units.every(unit => unit.live === 3 && unit.target === 3))
})

test.run()
