// Shared test helpers: reproducible random bytes, stripes, subsets, and the fixtures.
import { readFileSync } from 'node:fs'
import { seededRandom } from '@shoal/runtime'
import { encodeParity } from '../src/encode.js'

// Tests run from packages/erasure/dist/test/; fixtures stay in the source tree.
const fixtures = new URL('../../test/fixtures/', import.meta.url)

export interface Vector {
  k: number
  m: number
  /** Hex of each data piece (they may differ in length). */
  data: string[]
  /** Hex of each parity piece, as the reference library made it. */
  parity: string[]
}

export function vectors (): { source: string, vectors: Vector[] } {
  return JSON.parse(readFileSync(new URL('vectors.json', fixtures), 'utf8'))
}

/** Floats in [0, 1) from a seed, the same every run (so failures can be replayed). */
export function prng (seed: number): () => number {
  return seededRandom(seed).float
}

export function randomBytes (length: number, next: () => number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = next() * 256
  return bytes
}

export interface Stripe {
  k: number
  m: number
  pieces: Uint8Array[]
  sizes: number[]
}

/** k data pieces of random sizes up to `longest` (one of them exactly that long), and their parity. */
export function makeStripe (k: number, m: number, longest: number, next: () => number): Stripe {
  const data = Array.from({ length: k }, (_, i) => randomBytes(i === k - 1 ? longest : Math.floor(next() * (longest + 1)), next))
  const pieces = [...data, ...encodeParity(data, m)]
  return { k, m, pieces, sizes: pieces.map(piece => piece.length) }
}

/** Every subset of `size` indexes out of 0..n-1, in increasing order. */
export function * subsets (n: number, size: number, from = 0): Generator<number[]> {
  if (size === 0) {
    yield []
    return
  }
  for (let first = from; first <= n - size; first++) {
    for (const rest of subsets(n, size - 1, first + 1)) yield [first, ...rest]
  }
}

/** `size` distinct random indexes out of 0..n-1. */
export function randomSubset (n: number, size: number, next: () => number): number[] {
  const indexes = Array.from({ length: n }, (_, i) => i)
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(next() * (n - i))
    ;[indexes[i], indexes[j]] = [indexes[j], indexes[i]]
  }
  return indexes.slice(0, size).sort((a, b) => a - b)
}

export function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export function fromHex (text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'))
}
