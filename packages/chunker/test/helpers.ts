// Shared test helpers: reference fixtures, reproducible random data and stream splitting.
import { readFileSync } from 'node:fs'
import { DEFAULT_CHUNKER_OPTIONS, fastcdc, type Chunk, type ChunkerOptions, type ChunkWithData } from '../src/index.js'

// Tests run from packages/chunker/dist/test/; fixtures live at the repository root.
const fixtures = new URL('../../../../test/fixtures/fastcdc/', import.meta.url)

export function fixture (name: string): Buffer {
  return readFileSync(new URL(name, fixtures))
}

export interface VectorCase {
  minSize: number
  avgSize: number
  maxSize: number
  normalization: 0 | 1 | 2 | 3
  chunks: Array<{ hash: string, offset: number, length: number }>
}

export function vectors (name: string): { file: string, fileSha256: string, cases: VectorCase[], zeros?: Record<string, number | string> } {
  return JSON.parse(fixture(name).toString('utf8'))
}

/** xorshift32: small, fast and reproducible from its seed (so failures can be replayed). */
export function prng (seed: number): () => number {
  let x = (seed >>> 0) || 0x9e3779b9
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
}

export function randomBytes (length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length)
  const words = new Uint32Array(bytes.buffer, 0, length >>> 2)
  const next = prng(seed)
  for (let i = 0; i < words.length; i++) words[i] = next() * 2 ** 32
  for (let i = words.length * 4; i < length; i++) bytes[i] = next() * 256
  return bytes
}

/** Read sizes from 1 byte to `max`, log-uniform so that tiny and huge reads both occur. */
export function randomReadSizes (seed: number, max: number): () => number {
  const next = prng(seed)
  return () => Math.max(1, Math.floor(Math.exp(next() * Math.log(max + 1))))
}

/**
 * Splits `source` into reads of the given sizes, as a stream would; yields Node Buffers
 * and plain Uint8Arrays alternately, and empty reads where `empty` says so.
 */
export async function * readsOf (source: Uint8Array, size: () => number, empty: () => boolean = () => false): AsyncGenerator<Uint8Array> {
  let n = 0
  for (let offset = 0; offset < source.length;) {
    if (empty()) yield new Uint8Array(0)
    const end = Math.min(source.length, offset + size())
    const slice = source.subarray(offset, end)
    yield n++ % 2 === 0 ? Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength) : slice
    offset = end
  }
}

export async function collect<T> (source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of source) items.push(item)
  return items
}

/** Only the boundary fields, so that streaming and in-memory results compare directly. */
export function boundaries (chunks: Iterable<Chunk>): Chunk[] {
  return [...chunks].map(({ offset, length, hash }) => ({ offset, length, hash }))
}

/** Throws unless every chunk's data is its own copy of the source bytes it covers. */
export function assertDataMatches (chunks: ChunkWithData[], source: Uint8Array): void {
  for (const chunk of chunks) {
    const { data } = chunk
    if (data.byteLength !== chunk.length) throw new Error(`chunk at ${chunk.offset}: data has ${data.byteLength} bytes, length says ${chunk.length}`)
    if (data.byteOffset !== 0 || data.buffer.byteLength !== data.byteLength) throw new Error(`chunk at ${chunk.offset}: data does not own its ArrayBuffer`)
    if (Buffer.compare(data, source.subarray(chunk.offset, chunk.offset + chunk.length)) !== 0) throw new Error(`chunk at ${chunk.offset}: data differs from the source`)
  }
}

/** Throws unless chunks are non-empty, contiguous, within maxSize, and cover `length` bytes. */
export function assertTiles (chunks: Chunk[], length: number, maxSize: number): void {
  let next = 0
  for (const chunk of chunks) {
    if (chunk.offset !== next) throw new Error(`chunk at ${chunk.offset}, expected ${next}`)
    if (chunk.length < 1 || chunk.length > maxSize) throw new Error(`chunk at ${chunk.offset} has length ${chunk.length}`)
    next += chunk.length
  }
  if (next !== length) throw new Error(`chunks cover ${next} of ${length} bytes`)
}

/**
 * Data with structure: random runs, zero runs and short repeated patterns, so that cuts
 * also land at maxSize and in low-entropy regions, not only where random data puts them.
 */
export function mixedBytes (length: number, seed: number): Uint8Array {
  const bytes = randomBytes(length, seed)
  const next = prng(seed ^ 0x5bd1e995)
  for (let offset = 0; offset < length;) {
    const run = Math.floor(next() * 3 * 65536) + 1
    const kind = next()
    const end = Math.min(length, offset + run)
    if (kind < 0.25) {
      bytes.fill(0, offset, end)
    } else if (kind < 0.5) {
      const period = 1 + Math.floor(next() * 64)
      for (let i = offset + period; i < end; i++) bytes[i] = bytes[i - period]
    }
    offset = end
  }
  return bytes
}

/**
 * Throws unless streamed `chunks` are what chunking `source` in one piece gives: the same
 * cuts and hashes, each with its own copy of the bytes it covers, tiling the whole input.
 */
export function assertSameAsWhole (chunks: ChunkWithData[], source: Uint8Array, options: ChunkerOptions): void {
  const difference = firstDifference(boundaries(chunks), boundaries(fastcdc(source, options)))
  if (difference !== undefined) throw new Error(difference)
  assertDataMatches(chunks, source)
  assertTiles(chunks, source.length, options.maxSize ?? DEFAULT_CHUNKER_OPTIONS.maxSize)
}

/** A short description of where two chunk lists first differ, or undefined if equal. */
export function firstDifference (actual: Chunk[], expected: Chunk[]): string | undefined {
  const n = Math.max(actual.length, expected.length)
  for (let i = 0; i < n; i++) {
    const a = actual[i]
    const e = expected[i]
    if (a?.offset !== e?.offset || a?.length !== e?.length || a?.hash !== e?.hash) {
      const show = (c?: Chunk): string => c === undefined ? 'nothing' : `{offset ${c.offset}, length ${c.length}, hash ${c.hash}}`
      return `chunk ${i} of ${actual.length} (expected ${expected.length}): got ${show(a)}, expected ${show(e)}`
    }
  }
  return undefined
}
