import { Buffer } from 'node:buffer'
import type { ByteReader, ChunkWithData } from './index.js'
import type { ResolvedOptions } from './options.js'
import { acquireCutter, Cutter, releaseCutter, windowSize } from './wasm.js'

/** The window a chunking run starts with (see chunkStream). */
const FIRST_WINDOW = 256 * 1024

/**
 * Chunks of a byte stream. Reads are appended to a window in wasm memory; when it is full
 * (or the stream ends) every decidable chunk is cut and copied out, and the undecided tail
 * (less than maxSize bytes) moves to the window's start. Cuts only ever see maxSize bytes
 * ahead or the true end of input, so they do not depend on how the stream was split.
 */
export async function * chunkStream (source: AsyncIterable<Uint8Array> | ByteReader, options: ResolvedOptions, allocate: (length: number) => Uint8Array = ownedBuffer): AsyncGenerator<ChunkWithData, void, undefined> {
  // A reused cutter may have a larger window; filling only this much keeps chunks coming
  // out as promptly as with a fresh one.
  const capacity = windowSize(options.maxSize)
  // The window starts small and doubles while input keeps coming, so chunking a small
  // file (most files in a directory) never maps a 16 MiB wasm window. Cuts are still made
  // only with `capacity` bytes in the window or at the end, so boundaries do not change.
  let size = Math.min(capacity, FIRST_WINDOW)
  const cutter = acquireCutter(options, size)
  let filled = 0 // bytes in the window
  let offset = 0 // stream offset of the window's first byte

  // Cuts the window, yields its chunks and keeps the undecided tail.
  async function * drain (eof: boolean): AsyncGenerator<ChunkWithData, void, undefined> {
    let cutTo = 0
    let count: number
    do {
      count = cutter.cut(cutTo, filled, eof)
      for (let record = 0; record < count; record++) {
        const length = cutter.length(record)
        const hash = cutter.hash(record)
        const data = copyOut(allocate, cutter.memory, cutter.window + cutTo, length)
        cutTo += length
        yield { offset: offset + cutTo - length, length, hash, data }
      }
    } while (Cutter.full(count) && cutTo < filled)
    cutter.memory.copyWithin(cutter.window, cutter.window + cutTo, cutter.window + filled)
    filled -= cutTo
    offset += cutTo
  }

  // The window is full: grow it, or once it has its whole capacity, cut it.
  async function * full (): AsyncGenerator<ChunkWithData, void, undefined> {
    if (size < capacity) {
      size = Math.min(capacity, size * 2)
      cutter.reserve(size)
      return
    }
    yield * drain(false)
  }

  try {
    if (!(Symbol.asyncIterator in source)) {
      // A reader writes straight into the window: no copy of the read on this thread.
      for (;;) {
        const room = cutter.memory.subarray(cutter.window + filled, cutter.window + size)
        const n = await source.read(room)
        if (!Number.isSafeInteger(n) || n < 0 || n > room.byteLength) throw new TypeError(`ByteReader.read must resolve 0..${room.byteLength} bytes, got ${String(n)}`)
        if (n === 0) break
        filled += n
        if (filled === size) yield * full()
      }
      if (filled > 0) yield * drain(true)
      return
    }
    for await (const read of source) {
      if (!(read instanceof Uint8Array)) throw new TypeError(`chunker source must yield Uint8Array, got ${describe(read)}`)
      let taken = 0
      while (taken < read.byteLength) {
        const n = Math.min(size - filled, read.byteLength - taken)
        cutter.memory.set(n === read.byteLength ? read : read.subarray(taken, taken + n), cutter.window + filled)
        filled += n
        taken += n
        if (filled === size) yield * full()
      }
    }
    if (filled > 0) yield * drain(true)
  } finally {
    releaseCutter(cutter)
  }
}

/**
 * The chunk's bytes in an ArrayBuffer of their own, so the consumer may keep, mutate or
 * transfer them. allocUnsafeSlow skips zero-filling (every byte is overwritten at once)
 * and, unlike allocUnsafe, never hands out a slice of Node's shared pool.
 */
function ownedBuffer (length: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length)
}

function copyOut (allocate: (length: number) => Uint8Array, memory: Uint8Array, start: number, length: number): Uint8Array {
  const data = allocate(length)
  if (!(data instanceof Uint8Array) || data.byteLength !== length) {
    throw new TypeError(`allocate(${length}) must return a Uint8Array of ${length} bytes`)
  }
  data.set(memory.subarray(start, start + length))
  return data
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'object') return value.constructor?.name ?? 'object'
  return typeof value
}
