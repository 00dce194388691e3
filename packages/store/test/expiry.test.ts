// The disk store's lease index across restarts and crashes: collection stopped part way,
// chunks whose records were lost, and a vault written by schema 1.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Level } from 'level'
import { CID } from 'multiformats/cid'
import { createStore, type Store } from '../src/index.js'
import type { LeaseRecord } from '../src/records.js'
import { diskAgrees, expectedBlobPath, leaseView, ledger, makeLease, makeTempDir, randomChunk, removeDir, type Chunk } from './helpers.js'

const holderScript = join(dirname(fileURLToPath(import.meta.url)), 'tools', 'store-holder.js')
const DAY = 86_400_000
const T0 = 1_700_000_000_000
const NOW = T0 + 50 * DAY
const ALL_TIME = Number.MAX_SAFE_INTEGER

async function withStore (dir: string, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = createStore({ dir, space: Number.MAX_SAFE_INTEGER })
  await store.start()
  try { await fn(store) } finally { await store.stop() }
}

async function allCollected (store: Store, now: number): Promise<string[]> {
  const cids: string[] = []
  for (;;) {
    const batch = await store.collectExpired(now, { limit: 7 })
    if (batch.length === 0) return cids
    cids.push(...batch.map(r => r.cid.toString()))
  }
}

/** Runs a collecting child and SIGKILLs it once it collected a few (1 to 20): a crash mid-collection. */
async function collectUntilKilled (dir: string): Promise<string[]> {
  const child = spawn(process.execPath, [holderScript, 'collect', dir, String(NOW)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const killAfter = randomInt(1, 21)
  const acked: string[] = []
  let pending = ''
  let killing = false
  child.stdout.on('data', d => {
    pending += String(d)
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) if (line.startsWith('-')) acked.push(line.slice(1))
    if (!killing && acked.length >= killAfter) {
      killing = true
      child.kill('SIGKILL')
    }
  })
  await new Promise(resolve => child.on('close', resolve))
  return acked
}

interface Vault { expired: Chunk[], live: Array<Chunk & { leases: LeaseRecord[] }>, pinned: Chunk[] }

/** A vault of chunks whose leases ended by NOW, chunks still leased (some renewed, some with one lease ended), and pinned ones. */
async function fillVault (dir: string): Promise<Vault> {
  const vault: Vault = { expired: [], live: [], pinned: [] }
  await withStore(dir, async store => {
    for (let i = 0; i < 60; i++) {
      const c = randomChunk(100 + i)
      await store.put(c.cid, c.bytes, { leases: [makeLease(1, T0 + (i % 50) * DAY), makeLease(2, T0)] })
      vault.expired.push(c)
    }
    for (let i = 0; i < 40; i++) {
      const c = randomChunk(200 + i)
      const leases = [makeLease(1, T0), makeLease(3, NOW + 1 + i * DAY)]
      if (i % 2 === 0) {
        await store.put(c.cid, c.bytes, { leases: leases.slice(0, 1) })
        await store.addLeases(c.cid, leases.slice(1)) // renewed past NOW
      } else {
        await store.put(c.cid, c.bytes, { leases })
      }
      vault.live.push({ ...c, leases })
    }
    for (let i = 0; i < 10; i++) {
      const c = randomChunk(300 + i)
      await store.put(c.cid, c.bytes)
      vault.pinned.push(c)
    }
  })
  return vault
}

/** Every chunk still leased (or pinned) is held with its leases; the rest of the expired ones go now. */
async function assertNothingLeasedLost (dir: string, vault: Vault, collectedBefore: string[]): Promise<void> {
  await withStore(dir, async store => {
    for (const c of vault.live) {
      assert.equal(Buffer.from((await store.get(c.cid))!), Buffer.from(c.bytes), `leased ${c.cid.toString()} is held`)
      assert.equal(leaseView((await store.record(c.cid))!.leases), leaseView(c.leases))
    }
    for (const c of vault.pinned) assert.is((await store.record(c.cid))?.pinned, true)
    const rest = await allCollected(store, NOW)
    assert.equal([...collectedBefore, ...rest].sort(), vault.expired.map(c => c.cid.toString()).sort(), 'each expired chunk collected once')
    for (const c of vault.expired) assert.is(await store.has(c.cid), false)
    assert.is((await ledger(store)).chunks, vault.live.length + vault.pinned.length)
    const check = await diskAgrees(dir, store)
    assert.ok(check.ok, check.detail)
  })
}

test('a collection stopped part way deletes nothing still leased, and the next run finishes it', async () => {
  const dir = await makeTempDir()
  try {
    const vault = await fillVault(dir)
    let collected: string[] = []
    await withStore(dir, async store => {
      collected = (await store.collectExpired(NOW, { limit: 9 })).map(r => r.cid.toString())
      assert.is(collected.length, 9)
    })
    await assertNothingLeasedLost(dir, vault, collected)
  } finally { await removeDir(dir) }
})

test('a collection killed part way (SIGKILL) deletes nothing still leased, and the next run finishes it', async () => {
  const dir = await makeTempDir()
  try {
    const vault = await fillVault(dir)
    const acked = await collectUntilKilled(dir)
    assert.ok(acked.length > 0)
    // a chunk whose collection was in flight at the kill may or may not be gone: count it either way
    await withStore(dir, async store => {
      for (const c of vault.expired) if (!acked.includes(c.cid.toString()) && !await store.has(c.cid)) acked.push(c.cid.toString())
    })
    assert.ok(acked.length < vault.expired.length, 'killed before it finished')
    await assertNothingLeasedLost(dir, vault, acked)
  } finally { await removeDir(dir) }
})

test('a chunk whose record was lost comes back recovered: no lease, not collected, until a lease names it', async () => {
  const dir = await makeTempDir()
  try {
    const [renewed, reput, untouched] = [randomChunk(1_000), randomChunk(2_000), randomChunk(3_000)]
    await withStore(dir, async store => {
      for (const c of [renewed, reput, untouched]) await store.put(c.cid, c.bytes, { leases: [makeLease(1, T0)] })
    })
    await rm(join(dir, 'index'), { recursive: true })
    await withStore(dir, async store => {
      for (const c of [renewed, reput, untouched]) {
        const record = await store.record(c.cid)
        assert.equal({ leases: record?.leases, pinned: record?.pinned, recovered: record?.recovered }, { leases: [], pinned: false, recovered: true })
      }
      assert.equal(await store.collectExpired(ALL_TIME, { limit: 10 }), [])
      assert.equal(await store.dropLeases(untouched.cid, makeLease(1, 0).owner), { held: true, deleted: false })
      assert.is(await store.addLeases(renewed.cid, [makeLease(1, NOW)]), true)
      assert.is(await store.put(reput.cid, reput.bytes, { leases: [makeLease(2, NOW)] }), false)
      assert.is((await store.record(renewed.cid))?.recovered, false)
      assert.equal(await store.collectExpired(NOW - 1, { limit: 10 }), [])
    })
    await withStore(dir, async store => {
      assert.equal((await allCollected(store, NOW)).sort(), [renewed.cid.toString(), reput.cid.toString()].sort())
      assert.ok(await store.has(untouched.cid))
      assert.is((await store.record(untouched.cid))?.recovered, true)
    })
  } finally { await removeDir(dir) }
})

/** An index as schema 1 wrote it: JSON entries, version 1, a ledger, stopped cleanly or not. */
async function writeVersion1 (dir: string, chunks: Chunk[], clean: boolean): Promise<void> {
  for (const c of chunks) {
    const path = expectedBlobPath(dir, c.cid)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, c.bytes)
  }
  for (const sub of ['tmp', 'quarantine']) await mkdir(join(dir, sub), { recursive: true })
  const db = new Level<string, any>(join(dir, 'index'), { valueEncoding: 'json' })
  await db.open()
  const entries = db.sublevel<Uint8Array, any>('chunks', { keyEncoding: 'view', valueEncoding: 'json' })
  const meta = db.sublevel<string, any>('meta', { valueEncoding: 'json' })
  for (const [i, c] of chunks.entries()) await entries.put(c.cid.bytes, { size: c.bytes.byteLength, storedAt: T0 + i })
  await meta.put('version', 1)
  await meta.put('ledger', { chunks: chunks.length, bytes: chunks.reduce((n, c) => n + c.bytes.byteLength, 0) })
  if (clean) await meta.put('clean', { at: T0 })
  await db.close()
}

for (const clean of [true, false]) {
  test(`a schema 1 vault (${clean ? 'stopped cleanly' : 'after a crash'}) is migrated in place: every chunk kept, pinned, with its size and storedAt`, async () => {
    const dir = await makeTempDir()
    try {
      const chunks = Array.from({ length: 25 }, (_, i) => randomChunk(500 + i))
      await writeVersion1(dir, chunks, clean)
      await withStore(dir, async store => {
        for (const [i, c] of chunks.entries()) {
          const record = await store.record(c.cid)
          assert.equal({ size: record?.size, storedAt: record?.storedAt, pinned: record?.pinned, leases: record?.leases }, { size: c.bytes.byteLength, storedAt: T0 + i, pinned: true, leases: [] })
        }
        assert.equal(await store.collectExpired(ALL_TIME, { limit: 100 }), [])
        await store.addLeases(chunks[0].cid, [makeLease(1, T0)])
      })
      const db = new Level<string, any>(join(dir, 'index'), { valueEncoding: 'json' })
      const meta = db.sublevel<string, any>('meta', { valueEncoding: 'json' })
      assert.is(await meta.get('version'), 2)
      const raw = db.sublevel<Uint8Array, Uint8Array>('chunks', { keyEncoding: 'view', valueEncoding: 'view' })
      for await (const value of raw.values()) assert.is.not(value[0], 0x7b, 'no JSON entry is left')
      await db.close()
      await withStore(dir, async store => {
        assert.equal(leaseView((await store.record(chunks[0].cid))!.leases), leaseView([makeLease(1, T0)]))
        assert.is((await ledger(store)).chunks, 25)
        const listed: CID[] = []
        for await (const cid of store.list()) listed.push(cid)
        assert.is(listed.length, 25)
        const check = await diskAgrees(dir, store)
        assert.ok(check.ok, check.detail)
      })
    } finally { await removeDir(dir) }
  })
}

test.run()
