import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import type { RedundancyTarget } from '@shoal/protocol'
import { createStore, type Store } from '../src/index.js'
import type { LeaseRecord } from '../src/records.js'

export const KiB = 1024
export const MiB = 1024 * KiB

export interface Chunk { cid: CID, bytes: Uint8Array }

/** The vault CID of some bytes, computed here rather than by the store under test. */
export function cidOf (bytes: Uint8Array): CID {
  return CID.createV1(0x55, Digest.create(0x12, createHash('sha256').update(bytes).digest()))
}

export function randomChunk (size: number): Chunk {
  const bytes = new Uint8Array(randomBytes(size))
  return { cid: cidOf(bytes), bytes }
}

export async function makeTempDir (): Promise<string> {
  return await mkdtemp(join(tmpdir(), 'shoal-store-test-'))
}

export async function removeDir (dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 })
}

/** A started store in a fresh temp dir; `cleanup` stops it (if running) and removes the dir. */
export async function openTempStore (space = Number.MAX_SAFE_INTEGER): Promise<{ dir: string, store: Store, cleanup: () => Promise<void> }> {
  const dir = await makeTempDir()
  const store = createStore({ dir, space })
  await store.start()
  return {
    dir,
    store,
    cleanup: async () => {
      await store.stop()
      await removeDir(dir)
    }
  }
}

/** Where a blob lives: blobs/<hex digest[0]>/<hex digest[1]>/<cid> (docs/architecture.md#vault-on-disk). */
export function expectedBlobPath (dir: string, cid: CID): string {
  const hex = Buffer.from(cid.multihash.digest).toString('hex')
  return join(dir, 'blobs', hex.slice(0, 2), hex.slice(2, 4), cid.toString())
}

export interface BlobFile { path: string, name: string, size: number, intact: boolean }

/** Every file under blobs/, each checked against the CID it is named for. */
export async function blobFiles (dir: string): Promise<BlobFile[]> {
  const found: BlobFile[] = []
  async function walk (path: string): Promise<void> {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const child = join(path, entry.name)
      if (entry.isDirectory()) { await walk(child); continue }
      const bytes = await readFile(child)
      let intact = false
      try {
        intact = cidOf(bytes).equals(CID.parse(entry.name)) && child === expectedBlobPath(dir, CID.parse(entry.name))
      } catch {}
      found.push({ path: child, name: entry.name, size: (await stat(child)).size, intact })
    }
  }
  await walk(join(dir, 'blobs'))
  return found
}

export async function filesIn (path: string): Promise<string[]> {
  try {
    return await readdir(path)
  } catch (err: any) {
    if (err.code === 'ENOENT') return []
    throw err
  }
}

/** The store's stats agree with what is on disk, file for file and byte for byte. */
export async function diskAgrees (dir: string, store: Store): Promise<{ ok: boolean, detail: string }> {
  const files = await blobFiles(dir)
  const stats = await store.stats()
  const bytes = files.reduce((n, f) => n + f.size, 0)
  const bad = files.filter(f => !f.intact).map(f => f.path)
  const ok = stats.bytes === bytes && stats.chunks === files.length && bad.length === 0
  return { ok, detail: `stats ${stats.chunks} chunks/${stats.bytes} B, disk ${files.length} files/${bytes} B, bad: ${bad.join(', ') || 'none'}` }
}

export async function rejects (promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

/** A store's ledger: what it holds and offers, without the disk's free space (which moves). */
export async function ledger (store: Pick<Store, 'stats'>): Promise<{ chunks: number, bytes: number, space: number }> {
  const { chunks, bytes, space } = await store.stats()
  return { chunks, bytes, space }
}

export const REPLICATE_3: RedundancyTarget = { scheme: 'replicate', replicas: 3 }

/** A lease as the store keeps it; the store does not check signatures, so any bytes do. */
export function makeLease (owner: number, expires: number, target: RedundancyTarget = REPLICATE_3, signed = 0): LeaseRecord {
  return { owner: Uint8Array.of(0, 0x24, owner), expires, signature: Uint8Array.of(signed, owner, expires & 0xff), target }
}

/** Leases in a form assert.equal compares by value, in a fixed order. */
export function leaseView (leases: readonly LeaseRecord[]): unknown[] {
  return leases
    .map(l => ({
      owner: Buffer.from(l.owner).toString('hex'),
      expires: l.expires,
      signature: Buffer.from(l.signature).toString('hex'),
      target: l.target.scheme === 'replicate' ? { ...l.target } : { ...l.target, pieces: l.target.pieces.map(String) }
    }))
    .sort((a, b) => a.owner.localeCompare(b.owner) || a.expires - b.expires || JSON.stringify(a.target).localeCompare(JSON.stringify(b.target)))
}
