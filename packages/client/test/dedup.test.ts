import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readManifest, putStream } from '../src/index.js'
import type { FileManifest } from '@shoal/manifest'
import { from, KiB, MiB, openTempVault, pseudoRandom, SECRET } from './helpers.js'

test('re-putting the same content stores nothing new and yields the same URI', async () => {
  const vault = await openTempVault()
  try {
    const data = pseudoRandom(8 * MiB, 3)
    const first = await putStream(from(data), vault.store, { convergenceSecret: SECRET })
    assert.ok(first.newChunks > first.chunks, 'data chunks and the manifest were new')
    const second = await putStream(from(data, 123_457), vault.store, { convergenceSecret: SECRET })
    assert.is(second.newChunks, 0)
    assert.is(second.storedBytes, 0)
    assert.is(second.uri, first.uri)
  } finally { await vault.cleanup() }
})

test('1 KiB inserted in the middle of 64 MiB stores only the chunks around it', async () => {
  const vault = await openTempVault()
  try {
    const original = pseudoRandom(64 * MiB, 9)
    const middle = 32 * MiB + 12_345
    const edited = Buffer.concat([original.subarray(0, middle), pseudoRandom(1 * KiB, 77), original.subarray(middle)])
    const a = await putStream(from(original), vault.store, { convergenceSecret: SECRET })
    const b = await putStream(from(edited), vault.store, { convergenceSecret: SECRET })
    const before = new Set(((await readManifest(a.uri, vault.store)) as FileManifest).chunks.map(c => c.cid.toString()))
    const after = ((await readManifest(b.uri, vault.store)) as FileManifest).chunks
    const changed = after.filter(c => !before.has(c.cid.toString())).length
    // Content-defined boundaries resynchronise within a chunk or two of the edit.
    assert.ok(changed >= 1 && changed <= 3, `${changed} changed data chunks`)
    assert.is(b.newChunks, changed + 1, 'the changed data chunks and one manifest')
    assert.ok(b.storedBytes < 9 * MiB, `stored ${b.storedBytes} bytes for a 1 KiB edit`)
  } finally { await vault.cleanup() }
})

test('two users (different convergence secrets) share no chunks', async () => {
  const vault = await openTempVault()
  try {
    const data = pseudoRandom(4 * MiB, 11)
    const alice = await putStream(from(data), vault.store, { convergenceSecret: new Uint8Array(32).fill(1) })
    const bob = await putStream(from(data), vault.store, { convergenceSecret: new Uint8Array(32).fill(2) })
    assert.is(bob.newChunks, alice.newChunks, 'Bob\'s chunks are all new: an outsider cannot confirm Alice stores this file')
    assert.is.not(bob.uri, alice.uri)
  } finally { await vault.cleanup() }
})

test.run()
