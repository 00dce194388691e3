import type { Chunk } from './index.js'
import type { ResolvedOptions } from './options.js'
import { acquireCutter, Cutter, releaseCutter, windowSize } from './wasm.js'

/**
 * Chunks of an in-memory source. The source is copied into wasm memory a window at a
 * time; the bytes of an unfinished chunk at the end of a window are copied again at the
 * start of the next one.
 */
export function * chunkBytes (source: Uint8Array, options: ResolvedOptions): Generator<Chunk, void, undefined> {
  if (source.byteLength === 0) return
  const cutter = acquireCutter(options, Math.min(source.byteLength, windowSize(options.maxSize)))
  try {
    let offset = 0 // source offset of the window's first byte
    while (offset < source.byteLength) {
      const filled = Math.min(cutter.capacity, source.byteLength - offset)
      const eof = offset + filled === source.byteLength
      cutter.memory.set(source.subarray(offset, offset + filled), cutter.window)
      let cutTo = 0
      let count: number
      do {
        count = cutter.cut(cutTo, filled, eof)
        for (let record = 0; record < count; record++) {
          const length = cutter.length(record)
          yield { offset: offset + cutTo, length, hash: cutter.hash(record) }
          cutTo += length
        }
      } while (Cutter.full(count) && cutTo < filled)
      offset += cutTo
    }
  } finally {
    releaseCutter(cutter)
  }
}
