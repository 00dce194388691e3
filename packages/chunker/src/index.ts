import { resolveOptions } from './options.js'
import { chunkStream } from './stream.js'
import { chunkBytes } from './sync.js'

export { InvalidChunkerOptionError } from './options.js'

export interface ChunkerOptions {
  /** Smallest chunk, 64 B .. 1 MiB (only the last chunk of an input may be shorter). */
  minSize?: number
  /** Target average chunk size, 256 B .. 4 MiB; selects the cut masks (rounded log2). */
  avgSize?: number
  /** Largest chunk, 1 KiB .. 16 MiB. Requires minSize <= avgSize <= maxSize. */
  maxSize?: number
  /** Normalized chunking level: 0 = widest spread of sizes, 3 = nearly all close to avgSize. */
  normalization?: 0 | 1 | 2 | 3
}

/** Shoal's chunking: min 256 KiB, average 1 MiB, max 4 MiB, normalization level 1. */
export const DEFAULT_CHUNKER_OPTIONS: Required<ChunkerOptions> = Object.freeze({
  minSize: 256 * 1024,
  avgSize: 1024 * 1024,
  maxSize: 4 * 1024 * 1024,
  normalization: 1 as const
})

export interface Chunk {
  /** Position of the chunk's first byte in the input. */
  offset: number
  length: number
  /** The reference's 64-bit gear hash at the cut (0 for a final chunk of at most minSize bytes). */
  hash: bigint
}

export interface StreamChunkerOptions extends ChunkerOptions {
  /**
   * Where each chunk's bytes go: called with the chunk's length, returns a Uint8Array of
   * exactly that length that the chunker fills and hands over. Lets a consumer recycle
   * buffers (fresh memory costs a page fault per 4 KiB on first touch). Default: a new
   * ArrayBuffer per chunk.
   */
  allocate?: (length: number) => Uint8Array
}

/**
 * A source the chunker reads into its own window: `read` fills a prefix of `into` and
 * resolves how many bytes it wrote, 0 only at the end (a file: FileHandle.read). It
 * spares a copy of every byte over an AsyncIterable, whose blocks the chunker must copy
 * into its window. `into` is valid only until the promise settles.
 */
export interface ByteReader {
  read: (into: Uint8Array) => Promise<number>
}

export interface ChunkWithData extends Chunk {
  /** The chunk's bytes in their own ArrayBuffer, owned by the consumer (may be transferred). */
  data: Uint8Array
}

/**
 * FastCDC 2020 content-defined chunking, byte-exact with nlfiedler/fastcdc-rs v2020.
 *
 * Given bytes, returns a lazy iterable of chunk boundaries. Given a stream of bytes, returns
 * an async iterable of chunks with their data; the boundaries are the same as for the whole
 * input in one piece, however the stream is split. Options are checked on the call and
 * throw InvalidChunkerOptionError (a RangeError) naming the option and its allowed range.
 */
export function fastcdc (source: Uint8Array, options?: ChunkerOptions): Iterable<Chunk>
export function fastcdc (source: AsyncIterable<Uint8Array> | ByteReader, options?: StreamChunkerOptions): AsyncIterable<ChunkWithData>
export function fastcdc (source: Uint8Array | AsyncIterable<Uint8Array> | ByteReader, options?: StreamChunkerOptions): Iterable<Chunk> | AsyncIterable<ChunkWithData> {
  const resolved = resolveOptions(options, DEFAULT_CHUNKER_OPTIONS)
  if (source instanceof Uint8Array) return chunkBytes(source, resolved)
  const isIterable = typeof (source as Partial<AsyncIterable<Uint8Array>>)?.[Symbol.asyncIterator] === 'function'
  if (isIterable || typeof (source as Partial<ByteReader>)?.read === 'function') {
    const allocate = options?.allocate
    if (allocate !== undefined && typeof allocate !== 'function') throw new TypeError('allocate must be a function')
    return chunkStream(source, resolved, allocate)
  }
  throw new TypeError('fastcdc source must be a Uint8Array, an AsyncIterable<Uint8Array> or a ByteReader')
}
