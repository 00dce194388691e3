// A vault on a disk smaller than the space it offers: puts are refused with NoSpaceError
// (the wire's NO_SPACE) once the disk is short, never with a bare ENOSPC, and nothing
// half-written stays. Needs a small file system: a tmpfs mounted for the test (as root).
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { NoSpaceError } from '../src/index.js'
import { VaultStore } from '../src/store.js'
import { diskAgrees, filesIn, randomChunk, rejects, MiB } from './helpers.js'

const root = process.getuid?.() === 0
let mount = ''

test.before(async () => {
  if (!root) return
  mount = await mkdtemp(join(tmpdir(), 'shoal-small-disk-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount])
})
test.after(async () => {
  if (mount === '') return
  execFileSync('umount', [mount])
  await rm(mount, { recursive: true, force: true })
})

const skip = (): boolean => {
  if (!root) console.log('  skipped: mounting a small tmpfs needs root')
  return !root
}

test('offering 1 GiB on an 8 MiB disk: puts go in until the disk is short, then NoSpaceError (disk), and status says how little is free', async () => {
  if (skip()) return
  const dir = join(mount, 'a')
  const store = new VaultStore({ dir, space: 1024 * MiB })
  await store.start()
  try {
    let stored = 0
    let refusal: unknown
    for (let i = 0; i < 16 && refusal === undefined; i++) {
      const chunk = randomChunk(MiB)
      try {
        await store.put(chunk.cid, chunk.bytes)
        stored++
      } catch (err) {
        refusal = err
      }
    }
    assert.ok(stored >= 4 && stored < 8, `${stored} MiB went in before the refusal`)
    assert.instance(refusal, NoSpaceError)
    assert.is((refusal as NoSpaceError).limit, 'disk')
    assert.match((refusal as Error).message, /disk full/)
    const stats = await store.stats()
    assert.is(stats.chunks, stored)
    assert.ok(stats.diskFree !== undefined && stats.diskFree < MiB, `diskFree ${stats.diskFree}`)
    assert.equal(await filesIn(join(dir, 'tmp')), [])
    const check = await diskAgrees(dir, store)
    assert.ok(check.ok, check.detail)
  } finally {
    await store.stop()
    await rm(join(mount, 'a'), { recursive: true, force: true })
  }
})

test('the disk says ENOSPC mid-write (it filled behind the store\'s back): NoSpaceError, no half blob, the vault keeps serving', async () => {
  if (skip()) return
  const dir = join(mount, 'b')
  // a store that believes the disk has room, on a disk that has none
  const store = new VaultStore({ dir, space: 1024 * MiB, disk: { free: async () => Number.MAX_SAFE_INTEGER, stale: () => {} } })
  await store.start()
  try {
    const kept = randomChunk(100_000)
    await store.put(kept.cid, kept.bytes)
    // fill the disk but for ~1 MiB (the index still has room): a 2 MiB blob cannot fit
    const { statfs } = await import('node:fs/promises')
    const fs = await statfs(mount)
    await writeFile(join(mount, 'filler'), new Uint8Array(fs.bavail * fs.bsize - MiB))
    const chunk = randomChunk(2 * MiB)
    const err = await rejects(store.put(chunk.cid, chunk.bytes))
    assert.instance(err, NoSpaceError)
    assert.is((err as NoSpaceError).limit, 'disk')
    assert.is(await store.has(chunk.cid), false)
    assert.equal(await filesIn(join(dir, 'tmp')), [])
    const back = await store.get(kept.cid)
    assert.ok(back !== null && Buffer.from(back).equals(kept.bytes), 'what it held is still served')
  } finally {
    await store.stop()
    await rm(join(mount, 'filler'), { force: true })
    await rm(dir, { recursive: true, force: true })
  }
})

test('a disk full to the last byte: puts refused as disk full, what is held still served, stop and the next start clean up', async () => {
  if (skip()) return
  const dir = join(mount, 'c')
  const store = new VaultStore({ dir, space: 1024 * MiB, disk: { free: async () => Number.MAX_SAFE_INTEGER, stale: () => {} } })
  await store.start()
  const kept = randomChunk(1000)
  await store.put(kept.cid, kept.bytes)
  const { statfs } = await import('node:fs/promises')
  const fs = await statfs(mount)
  try { await writeFile(join(mount, 'filler'), new Uint8Array(fs.bavail * fs.bsize)) } catch {}
  try {
    for (const size of [10, 5000]) {
      const chunk = randomChunk(size)
      const err = await rejects(store.put(chunk.cid, chunk.bytes))
      assert.instance(err, NoSpaceError, `${size} bytes: ${(err as Error).message}`)
      assert.is((err as NoSpaceError).limit, 'disk')
    }
    const back = await store.get(kept.cid)
    assert.ok(back !== null && Buffer.from(back).equals(kept.bytes))
    await store.stop() // the index may not get its last writes in: that must not throw
  } finally {
    await rm(join(mount, 'filler'), { force: true })
  }
  const again = new VaultStore({ dir, space: 1024 * MiB })
  await again.start()
  try {
    assert.is(await again.has(kept.cid), true)
    const check = await diskAgrees(dir, again)
    assert.ok(check.ok, check.detail)
  } finally {
    await again.stop()
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
