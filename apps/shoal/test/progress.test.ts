// Progress of a put and a get: the total is known from the start (a tree's too, from the
// scan or the listing), so the bar shows real progress and a tree's files done/total,
// never 100 % from the first tick.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { chunkCid, formatCapability } from '@shoal/manifest'
import type { Backend, Entry, Listing } from '../src/backend/backend.js'
import { createProgress, type TransferProgress } from '../src/progress.js'
import { getTree } from '../src/transfer/get-tree.js'
import { listTree } from '../src/transfer/list-tree.js'
import { putTree } from '../src/transfer/put-tree.js'
import { scanTree } from '../src/transfer/scan.js'

const uriOf = (text: string): string => formatCapability({
  cid: chunkCid(new Uint8Array(createHash('sha256').update(text).digest())),
  key: new Uint8Array(32).fill(1)
})

/** File sizes by URI, for the fake backend's fetch. */
const sizes = new Map<string, number>()

/** A backend that stores nothing: it reports each file's bytes in two halves. */
function fakeBackend (listings = new Map<string, Listing>()): Backend {
  return {
    via: '',
    async putFile (content, meta, options) {
      const size = 'path' in content ? content.size : 0
      options.onProgress?.(Math.floor(size / 2))
      options.onProgress?.(size)
      return { uri: uriOf(meta.name ?? ''), size, chunks: 1, manifests: 1, newChunks: 0, storedBytes: 0 }
    },
    async putDirectory (directory) {
      return { uri: uriOf(directory.name ?? ''), size: 0, chunks: 0, manifests: 1, newChunks: 0, storedBytes: 0 }
    },
    async list (uri) { return listings.get(uri) as Listing },
    read () { throw new Error('not used') },
    async fetch (uri, partial, options) {
      const size = sizes.get(uri) ?? 0
      await writeFile(partial.data, Buffer.alloc(size))
      options?.onProgress?.(Math.floor(size / 2), size)
      options?.onProgress?.(size, size)
      return { size, fetchedBytes: size, resumedBytes: 0, duplicates: 0, blamed: [] }
    },
    async close () {}
  }
}

let work = ''
test.before(async () => { work = await mkdtemp(join(tmpdir(), 'shoal-progress-')) })
test.after(async () => { await rm(work, { recursive: true, force: true }) })

test('a directory put reports the tree\'s total from its first report, and files done of the tree\'s files', async () => {
  const dir = join(work, 'tree')
  await mkdir(join(dir, 'sub'), { recursive: true })
  await writeFile(join(dir, 'a'), Buffer.alloc(1000))
  await writeFile(join(dir, 'sub', 'b'), Buffer.alloc(2000))
  await writeFile(join(dir, 'sub', 'empty'), '')
  const scan = await scanTree(dir)
  assert.is(scan.bytes, 3000)
  assert.is(scan.files, 3)
  const reports: TransferProgress[] = []
  await putTree(fakeBackend(), scan, { convergence: 'user', compress: true, onProgress: p => reports.push(structuredClone(p)) })
  assert.ok(reports.length >= 6, `${reports.length} reports`)
  for (const report of reports) {
    assert.is(report.total, 3000)
    assert.equal(report.files?.total, 3)
  }
  assert.ok(reports[0].bytes < 3000, 'not done at the first report')
  assert.equal(reports[reports.length - 1], { bytes: 3000, total: 3000, files: { done: 3, total: 3 } })
  assert.equal(reports.map(r => r.bytes), [...reports.map(r => r.bytes)].sort((a, b) => a - b), 'never backwards')
})

test('a directory get reports the listed total and files done of the tree\'s files', async () => {
  const file = (name: string, size: number): Entry => {
    const uri = uriOf(`file ${name}`)
    sizes.set(uri, size)
    return { name, type: 'file', size, uri }
  }
  const subUri = uriOf('sub')
  const topUri = uriOf('top')
  const listings = new Map<string, Listing>([
    [topUri, { type: 'directory', name: 'top', size: 3000, entries: [file('a', 1000), { name: 'sub', type: 'directory', size: 2000, uri: subUri }] }],
    [subUri, { type: 'directory', name: 'sub', size: 2000, entries: [file('b', 2000)] }]
  ])
  const backend = fakeBackend(listings)
  const tree = await listTree(backend, topUri)
  assert.is(tree.bytes, 3000)
  assert.is(tree.files, 2)
  const reports: TransferProgress[] = []
  await getTree(backend, topUri, tree, join(work, 'got'), { replace: false, onProgress: p => reports.push(structuredClone(p)) })
  for (const report of reports) {
    assert.is(report.total, 3000)
    assert.equal(report.files?.total, 2)
  }
  assert.ok(reports[0].bytes < 3000)
  assert.equal(reports[reports.length - 1], { bytes: 3000, total: 3000, files: { done: 2, total: 2 } })
  assert.is((await readFile(join(work, 'got', 'sub', 'b'))).length, 2000)
})

/** What a terminal would get: the bar's text, escapes and all. */
function terminal (): Writable & { isTTY: boolean, columns: number, text: () => string } {
  let text = ''
  const stream = new Writable({ write (chunk, _encoding, done) { text += String(chunk); done() } }) as Writable & { isTTY: boolean, columns: number, text: () => string }
  stream.isTTY = true
  stream.columns = 160
  stream.text = () => text
  return stream
}

test('the bar shows the percentage of the total and files done/total; without a total, bytes and speed only', () => {
  const known = terminal()
  const bar = createProgress('put', { stream: known, showAfterMs: 0 })
  bar.update({ bytes: 256 * 1024, total: 1024 * 1024, files: { done: 1, total: 4 } })
  bar.stop()
  assert.match(known.text(), /25% \| 256\.0 KiB \/ 1\.0 MiB \| 1\/4 files \|/)

  const unknown = terminal()
  const streamed = createProgress('put', { stream: unknown, showAfterMs: 0 })
  streamed.update({ bytes: 3 * 1024 * 1024 })
  streamed.stop()
  assert.match(unknown.text(), /put 3\.0 MiB \| /)
  assert.not.match(unknown.text(), /%/)
})

test.run()
