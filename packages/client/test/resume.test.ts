// An interrupted getFile keeps its partial file and state; run again, it fetches only
// what is missing and ends byte-exact. A state that does not match is ignored.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import { getFile, putStream, type ChunkSource } from '../src/index.js'
import { from, openTempVault, pseudoRandom, sha256hex, MiB, SECRET } from './helpers.js'

const data = pseudoRandom(24 * MiB, 5)

async function rejects (promise: Promise<unknown>): Promise<void> {
  try { await promise } catch { return }
  assert.unreachable('should have failed')
}

/** The vault as a source that counts what it hands out and can abort the get after `limit` chunks. */
function counting (source: ChunkSource, controller: AbortController | null, limit = Infinity): ChunkSource & { gets: number } {
  const counter = {
    gets: 0,
    async get (cid: CID, options?: { signal?: AbortSignal }) {
      counter.gets++
      if (controller !== null && counter.gets > limit) controller.abort(new Error('interrupted'))
      options?.signal?.throwIfAborted()
      return await source.get(cid, options)
    }
  }
  return counter
}

test('interrupted, then run again: resumes with fewer chunks fetched and the exact file', async () => {
  const vault = await openTempVault()
  try {
    const { uri, chunks } = await putStream(from(data), vault.store, { convergenceSecret: SECRET, compress: false })
    const target = join(vault.dir, 'out.bin')
    const controller = new AbortController()
    // the manifest and half the data chunks, then the user presses Ctrl-C
    const first = counting(vault.store, controller, 1 + Math.floor(chunks / 2))
    await rejects(getFile(uri, first, target, { signal: controller.signal, concurrency: 1 }))
    const left = await readdir(vault.dir)
    assert.ok(left.some(n => n.startsWith('.out.bin.shoal-') && n.endsWith('.part')), 'the partial file stays')
    assert.ok(left.some(n => n.startsWith('.out.bin.shoal-') && n.endsWith('.state')), 'its state stays')
    assert.not.ok(left.includes('out.bin'), 'nothing under the target name')

    const second = counting(vault.store, null)
    const result = await getFile(uri, second, target)
    assert.ok(result.resumedBytes > 0, `resumed ${result.resumedBytes}`)
    assert.ok(second.gets < 1 + chunks, `fetched ${second.gets} of ${1 + chunks} chunks`)
    assert.is(sha256hex(await readFile(target)), sha256hex(data))
    assert.equal((await readdir(vault.dir)).filter(n => n.startsWith('.out.bin')), [], 'no partial or state left')
  } finally { await vault.cleanup() }
})

test('a state file that does not match the manifest is ignored: the get starts over and is exact', async () => {
  const vault = await openTempVault()
  try {
    const { uri, chunks } = await putStream(from(data), vault.store, { convergenceSecret: SECRET, compress: false })
    const target = join(vault.dir, 'out.bin')
    const controller = new AbortController()
    await rejects(getFile(uri, counting(vault.store, controller, 1 + Math.floor(chunks / 2)), target, { signal: controller.signal, concurrency: 1 }))
    const state = (await readdir(vault.dir)).find(n => n.endsWith('.state')) as string
    const saved = JSON.parse(await readFile(join(vault.dir, state), 'utf8'))
    await writeFile(join(vault.dir, state), JSON.stringify({ ...saved, size: saved.size + 1 }))
    const result = await getFile(uri, vault.store, target)
    assert.is(result.resumedBytes, 0)
    assert.is(sha256hex(await readFile(target)), sha256hex(data))
  } finally { await vault.cleanup() }
})

test('resume: false keeps no state and a failed get leaves nothing behind', async () => {
  const vault = await openTempVault()
  try {
    const { uri, chunks } = await putStream(from(data), vault.store, { convergenceSecret: SECRET, compress: false })
    const controller = new AbortController()
    await rejects(getFile(uri, counting(vault.store, controller, 1 + Math.floor(chunks / 2)), join(vault.dir, 'out.bin'), { signal: controller.signal, resume: false, concurrency: 1 }))
    assert.equal((await readdir(vault.dir)).filter(n => n.startsWith('.out.bin') || n === 'out.bin'), [])
  } finally { await vault.cleanup() }
})

test.run()
