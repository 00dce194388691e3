import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { IntegrityError } from '@shoal/crypto'
import { formatCapability, parseCapability, type FileManifest } from '@shoal/manifest'
import { ChunkNotFoundError, getFile, putStream, readManifest, type ChunkSource } from '../src/index.js'
import { from, MiB, openTempVault, pseudoRandom, SECRET } from './helpers.js'

async function rejects (promise: Promise<unknown>, expected: new (...args: any[]) => Error): Promise<Error> {
  try { await promise } catch (err) {
    assert.instance(err, expected, `expected ${expected.name}, got ${(err as Error).name}: ${(err as Error).message}`)
    return err as Error
  }
  assert.unreachable(`expected ${expected.name}, nothing was thrown`)
  throw new Error('unreachable')
}

async function leftovers (dir: string): Promise<string[]> {
  return (await readdir(dir)).filter(name => name.startsWith('.') || name === 'out.bin')
}

test('a manifest\'s mtime no file system can hold is skipped: the file still arrives, exact', async () => {
  const vault = await openTempVault()
  try {
    const data = pseudoRandom(5000, 3)
    for (const mtime of [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 8.64e15 + 1]) {
      const { uri } = await putStream(from(data), vault.store, { convergenceSecret: SECRET, mtime, mode: 0o640 })
      const out = join(vault.dir, `out-${mtime}`)
      await getFile(uri, vault.store, out)
      assert.ok(Buffer.from(await readFile(out)).equals(data), String(mtime))
    }
  } finally { await vault.cleanup() }
})

test('a missing chunk fails the get with ChunkNotFoundError and leaves no file behind', async () => {
  const vault = await openTempVault()
  try {
    const result = await putStream(from(pseudoRandom(6 * MiB, 1)), vault.store, { convergenceSecret: SECRET })
    const manifest = await readManifest(result.uri, vault.store) as FileManifest
    await vault.store.delete(manifest.chunks[manifest.chunks.length - 1].cid)
    await rejects(getFile(result.uri, vault.store, join(vault.dir, 'out.bin')), ChunkNotFoundError)
    assert.equal(await leftovers(vault.dir), [])
  } finally { await vault.cleanup() }
})

test('a source that returns altered bytes is caught (IntegrityError), nothing written', async () => {
  const vault = await openTempVault()
  try {
    const result = await putStream(from(pseudoRandom(3 * MiB, 2)), vault.store, { convergenceSecret: SECRET })
    const manifest = await readManifest(result.uri, vault.store) as FileManifest
    const target = manifest.chunks[1].cid.toString()
    const lying: ChunkSource = {
      async get (cid, options) {
        const bytes = await vault.store.get(cid, options)
        if (bytes == null || cid.toString() !== target) return bytes
        const copy = new Uint8Array(bytes)
        copy[100] ^= 1
        return copy
      }
    }
    await rejects(getFile(result.uri, lying, join(vault.dir, 'out.bin')), IntegrityError)
    assert.equal(await leftovers(vault.dir), [])
  } finally { await vault.cleanup() }
})

test('a capability with the wrong key fails with IntegrityError', async () => {
  const vault = await openTempVault()
  try {
    const result = await putStream(from(pseudoRandom(1000, 3)), vault.store, { convergenceSecret: SECRET })
    const cap = parseCapability(result.uri)
    const wrong = formatCapability({ cid: cap.cid, key: new Uint8Array(32).fill(9) })
    await rejects(readManifest(wrong, vault.store), IntegrityError)
  } finally { await vault.cleanup() }
})

test('a blob corrupted on disk is reported, not returned', async () => {
  const vault = await openTempVault()
  try {
    const data = pseudoRandom(2 * MiB, 4)
    const result = await putStream(from(data), vault.store, { convergenceSecret: SECRET })
    const manifest = await readManifest(result.uri, vault.store) as FileManifest
    const digest = Buffer.from(manifest.chunks[0].cid.multihash.digest).toString('hex')
    const blob = join(vault.dir, 'vault', 'blobs', digest.slice(0, 2), digest.slice(2, 4), manifest.chunks[0].cid.toString())
    const bytes = await readFile(blob)
    bytes[7] ^= 0x80
    await writeFile(blob, bytes)
    await rejects(getFile(result.uri, vault.store, join(vault.dir, 'out.bin')), IntegrityError)
    assert.equal(await leftovers(vault.dir), [])
  } finally { await vault.cleanup() }
})

test.run()
