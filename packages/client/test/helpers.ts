import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { createStore, type Store } from '@shoal/store'

export const KiB = 1024
export const MiB = 1024 * KiB

export interface Vault { dir: string, store: Store, cleanup: () => Promise<void> }

/** A real store on disk in a fresh temp dir. */
export async function openTempVault (space = Number.MAX_SAFE_INTEGER): Promise<Vault> {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-client-'))
  const store = createStore({ dir: join(dir, 'vault'), space })
  await store.start()
  return { dir, store, cleanup: async () => { await store.stop(); await rm(dir, { recursive: true, force: true }) } }
}

/** Deterministic pseudo-random bytes (xorshift32), fast enough for tens of MiB. */
export function pseudoRandom (length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length)
  const words = new Uint32Array(out.buffer, 0, length >>> 2)
  let x = seed | 0 || 1
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    words[i] = x >>> 0
  }
  for (let i = words.length * 4; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

export function sha256hex (bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export async function * from (bytes: Uint8Array, readSize = 1 * MiB): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += readSize) yield bytes.subarray(i, Math.min(i + readSize, bytes.byteLength))
}

export async function collect (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const p of source) parts.push(p)
  return Buffer.concat(parts)
}

export const SECRET = new Uint8Array(32).fill(7)
