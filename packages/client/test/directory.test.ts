import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { CID } from 'multiformats/cid'
import { getFile, put, readManifest, type AbortOptions, type ChunkSink, type ChunkSource, type SinkPutOptions } from '../src/index.js'
import { KiB, openTempVault, pseudoRandom, SECRET, sha256hex, type Vault } from './helpers.js'

/** The real store, counting how many puts it has in progress at once. */
function counting (vault: Vault): ChunkSink & { most: number } {
  let now = 0
  const sink = {
    most: 0,
    put: async (cid: CID, bytes: Uint8Array, options?: SinkPutOptions) => {
      sink.most = Math.max(sink.most, ++now)
      try {
        return await vault.store.put(cid, bytes, options)
      } finally {
        now--
      }
    }
  }
  return sink
}

/** The real store as a source, counting how many gets it has in progress at once. */
function countingSource (vault: Vault): ChunkSource & { most: number } {
  let now = 0
  const source = {
    most: 0,
    get: async (cid: CID, options?: AbortOptions) => {
      source.most = Math.max(source.most, ++now)
      try {
        // a turn of the event loop, as any real read takes: lets overlap show
        await nextTurn()
        return await vault.store.get(cid, options)
      } finally {
        now--
      }
    }
  }
  return source
}

/** 40 files, the first names the biggest, so files later in name order finish first. */
async function makeTree (root: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>()
  await mkdir(join(root, 'nested'), { recursive: true })
  for (let i = 0; i < 40; i++) {
    const name = `${i < 5 ? 'nested/' : ''}f${String(i).padStart(2, '0')}.bin`
    const bytes = pseudoRandom((40 - i) * 13 * KiB + i, i + 1)
    files.set(name, bytes)
    await writeFile(join(root, name), bytes)
  }
  return files
}

test('a directory of small files is put several files at once, listed in name order, the same every time', async () => {
  const vault = await openTempVault()
  try {
    const root = join(vault.dir, 'tree')
    const files = await makeTree(root)
    const sink = counting(vault)
    const first = await put(root, sink, { convergenceSecret: SECRET })
    assert.ok(sink.most > 1, `files were put one at a time (at most ${sink.most} chunk put in progress)`)
    const manifest = await readManifest(first.uri, vault.store)
    if (manifest.type !== 'directory') throw new Error('not a directory manifest')
    const names = manifest.entries.map(e => e.name)
    assert.equal(names, [...names].sort(), 'entries in name order')
    assert.equal(names, [...new Set([...files.keys()].map(n => n.split('/')[0]))].sort())
    // Again, into a fresh vault: the same tree gives the same manifest, whatever order the
    // files finished in this time.
    const other = await openTempVault()
    try {
      assert.is((await put(root, other.store, { convergenceSecret: SECRET })).uri, first.uri)
    } finally { await other.cleanup() }
    const output = join(vault.dir, 'out')
    const source = countingSource(vault)
    const got = await getFile(first.uri, source, output)
    assert.ok(source.most > 1, `files were written one at a time (at most ${source.most} get in progress)`)
    assert.is(got.files, files.size)
    for (const [name, bytes] of files) assert.is(sha256hex(await readFile(join(output, name))), sha256hex(bytes), name)
  } finally { await vault.cleanup() }
})

test('names a file system may fold together are written one at a time, each exact', async () => {
  const vault = await openTempVault()
  try {
    const root = join(vault.dir, 'tree')
    await mkdir(root)
    const files = new Map<string, Uint8Array>()
    for (let i = 0; i < 12; i++) files.set(`f${i}.bin`, pseudoRandom(3 * KiB + i, i + 1))
    files.set('A.txt', Buffer.from('upper'))
    files.set('a.txt', Buffer.from('lower'))
    for (const [name, bytes] of files) await writeFile(join(root, name), bytes)
    const { uri } = await put(root, vault.store, { convergenceSecret: SECRET })
    const source = countingSource(vault)
    const output = join(vault.dir, 'out')
    await getFile(uri, source, output)
    assert.is(source.most, 1, 'one file at a time')
    for (const [name, bytes] of files) assert.is(sha256hex(await readFile(join(output, name))), sha256hex(bytes), name)
  } finally { await vault.cleanup() }
})

test('an aborted directory put stops with the abort, and the vault keeps serving', async () => {
  const vault = await openTempVault()
  try {
    const root = join(vault.dir, 'tree')
    await makeTree(root)
    const controller = new AbortController()
    let error: unknown
    try {
      await put(root, vault.store, { convergenceSecret: SECRET, signal: controller.signal, onProgress: () => controller.abort(new Error('stop here')) })
    } catch (err) {
      error = err
    }
    assert.ok(error instanceof Error && error.message === 'stop here', `rejects with the abort reason, got ${String(error)}`)
    const again = await put(root, vault.store, { convergenceSecret: SECRET })
    assert.is((await readManifest(again.uri, vault.store)).type, 'directory')
  } finally { await vault.cleanup() }
})

test.run()
