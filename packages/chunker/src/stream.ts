import { Buffer } from 'node:buffer'
import type { ByteReader, ChunkWithData } from './index.js'
import type { ResolvedOptions } from './options.js'
import { acquireCutter, Cutter, releaseCutter, windowSize } from './wasm.js'

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
  const cutter = acquireCutter(options, capacity)
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

  try {
    if (!(Symbol.asyncIterator in source)) {
      // A reader writes straight into the window: no copy of the read on this thread.
      for (;;) {
        const room = cutter.memory.subarray(cutter.window + filled, cutter.window + capacity)
        const n = await source.read(room)
        if (!Number.isSafeInteger(n) || n < 0 || n > room.byteLength) throw new TypeError(`ByteReader.read must resolve 0..${room.byteLength} bytes, got ${String(n)}`)
        if (n === 0) break
        filled += n
        if (filled === capacity) yield * drain(false)
      }
      if (filled > 0) yield * drain(true)
      return
    }
    for await (const read of source) {
      if (!(read instanceof Uint8Array)) throw new TypeError(`chunker source must yield Uint8Array, got ${describe(read)}`)
      let taken = 0
      while (taken < read.byteLength) {
        const n = Math.min(capacity - filled, read.byteLength - taken)
        cutter.memory.set(n === read.byteLength ? read : read.subarray(taken, taken + n), cutter.window + filled)
        filled += n
        taken += n
        if (filled === capacity) yield * drain(false)
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
