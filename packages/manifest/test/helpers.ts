// Shared by the manifest tests: sample manifests, a seeded PRNG, and an assertion for
// "throws exactly this error class with this in its message".
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as assert from 'uvu/assert'
import { chunkCid, parseChunkCid } from '../src/index.js'
import type { ChunkRef, DirectoryManifest, FileManifest, IndirectManifest, Manifest, Stripe } from '../src/index.js'

export function sha256 (data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest())
}

/** mulberry32: small, seedable, good enough to drive fuzzing reproducibly. */
export function prng (seed: number): { next: () => number, int: (n: number) => number, bytes: (n: number) => Uint8Array } {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number): number => Math.floor(next() * n)
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(256))
  return { next, int, bytes }
}

export function fixture<T> (name: string): T {
  // dist/test/x.test.js -> repo root is four levels up
  return JSON.parse(readFileSync(new URL(`../../../../test/fixtures/manifest/${name}`, import.meta.url), 'utf8')) as T
}

export function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

export function fromHex (text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'))
}

export function chunk (seed: number, size = 1000 + seed, compression: ChunkRef['compression'] = 'none'): ChunkRef {
  const rng = prng(seed)
  return { cid: chunkCid(sha256(rng.bytes(16))), key: rng.bytes(32), size, stored: size + 16, compression }
}

export function fileManifest (): FileManifest {
  const chunks = [chunk(1), chunk(2, 500, 'deflate'), chunk(3, 77, 'brotli')]
  return {
    version: 1,
    type: 'file',
    name: 'holiday.mp4',
    size: chunks.reduce((n, c) => n + c.size, 0),
    mode: 0o644,
    mtime: 1_700_000_000_123,
    chunks,
    redundancy: { scheme: 'replicate', replicas: 3 }
  }
}

/**
 * A version 3 file kept as stripes of 2 + 1: five chunks make three stripes, the last of
 * one chunk; each parity piece is as long as its stripe's longest stored chunk.
 */
export function erasureManifest (): FileManifest {
  const chunks = [chunk(30, 900), chunk(31, 1200), chunk(32, 700), chunk(33, 700), chunk(34, 50, 'brotli')]
  const parity = (seed: number): ChunkRef['cid'] => chunk(seed).cid
  return {
    version: 3,
    type: 'file',
    name: 'striped.bin',
    size: chunks.reduce((n, c) => n + c.size, 0),
    chunks,
    redundancy: { scheme: 'erasure', k: 2, m: 1 },
    stripes: [
      { parity: [parity(40)], size: 1216 },
      { parity: [parity(41)], size: 716 },
      { parity: [parity(42)], size: 66 }
    ]
  }
}

export function directoryManifest (): DirectoryManifest {
  const cap = (seed: number): { cid: ChunkRef['cid'], key: Uint8Array } => ({ cid: chunk(seed).cid, key: chunk(seed).key })
  return {
    version: 1,
    type: 'directory',
    name: 'trip',
    mode: 0o755,
    mtime: 1_700_000_000_000,
    entries: [
      { name: 'a.jpg', type: 'file', size: 12, capability: cap(10) },
      { name: 'b', type: 'directory', size: 99, capability: cap(11) },
      { name: 'Ünïcödé ✓.txt', type: 'file', size: 0, capability: cap(12) }
    ]
  }
}

/** A version 2 directory: a file and three links (relative, absolute, to a directory). */
export function linkedDirectoryManifest (): DirectoryManifest {
  const dir = directoryManifest()
  return {
    ...dir,
    version: 2,
    entries: [
      dir.entries[0],
      { name: 'abs', type: 'symlink', target: '/etc/hosts' },
      { name: 'up', type: 'symlink', target: '../b/ünï ✓' },
      { name: 'up-dir', type: 'symlink', target: '..' }
    ]
  }
}

export function indirectManifest (): IndirectManifest {
  const chunks = [chunk(20, 300_000), chunk(21, 12_345, 'brotli')]
  return { version: 1, type: 'indirect', size: 312_345, chunks }
}

/** A manifest as plain JSON-able data: CIDs as text, bytes as hex. */
export function plain (value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v) => {
    if (v instanceof Uint8Array) return hex(v)
    if (v !== null && typeof v === 'object' && 'multihash' in v && '/' in v) return `cid:${String(v)}`
    return v
  }))
}

/** Builds a Manifest from the fixture form (CIDs as text, keys as hex). */
export function fromFixture (value: any): Manifest {
  const ref = (c: any): ChunkRef => ({ ...c, cid: parseChunkCid(c.cid), key: fromHex(c.key) })
  const stripe = (s: any): Stripe => ({ ...s, parity: s.parity.map(parseChunkCid) })
  if (value.stripes !== undefined) return { ...value, chunks: value.chunks.map(ref), stripes: value.stripes.map(stripe) }
  if (value.chunks !== undefined) return { ...value, chunks: value.chunks.map(ref) }
  return {
    ...value,
    entries: value.entries.map((e: any) => e.type === 'symlink' ? e : ({ ...e, capability: { cid: parseChunkCid(e.capability.cid), key: fromHex(e.capability.key) } }))
  }
}

/** Runs fn, asserts it throws an instance of `type` whose message contains `fragment`. */
export function throwsWith (fn: () => unknown, type: abstract new (...args: any[]) => Error, fragment: string): Error {
  let result: unknown
  try {
    result = fn()
  } catch (err) {
    assert.instance(err, type, `expected ${type.name}, got ${String(err)}`)
    assert.ok((err as Error).message.includes(fragment), `expected message to contain ${JSON.stringify(fragment)}, got ${JSON.stringify((err as Error).message)}`)
    return err as Error
  }
  assert.unreachable(`expected ${type.name} (${fragment}), but it returned ${String(result)}`)
  throw new Error('unreachable')
}
