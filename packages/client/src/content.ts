import { fastcdc, type ByteReader, type ChunkerOptions } from '@shoal/chunker'
import { chunkCid, type ChunkRef } from '@shoal/manifest'
import type { Sealer } from './seal-pool.js'
import type { AbortOptions, ChunkSink, Progress } from './types.js'

export interface ContentResult {
  chunks: ChunkRef[]
  size: number
  newChunks: number
  storedBytes: number
}

export interface WriteContentOptions extends AbortOptions {
  sink: ChunkSink
  sealer: Sealer
  chunker?: ChunkerOptions
  /** Chunks being sealed or stored at once (default 6); bounds memory (each is at most 4 MiB). */
  inFlight?: number
  total?: number
  onProgress?: (progress: Progress) => void
}

/** Chunk → seal → store a byte stream, in order, with bounded parallelism. */
export async function writeContent (source: AsyncIterable<Uint8Array> | ByteReader, options: WriteContentOptions): Promise<ContentResult> {
  const { sink, sealer, signal } = options
  const inFlight = options.inFlight ?? 6
  const refs: ChunkRef[] = []
  const result: ContentResult = { chunks: refs, size: 0, newChunks: 0, storedBytes: 0 }
  const running = new Set<Promise<void>>()
  let failure: unknown
  let done = 0

  const sealAndStore = async (index: number, data: Uint8Array): Promise<void> => {
    const sealed = await sealer.seal(data)
    const cid = chunkCid(sealed.digest)
    const isNew = await sink.put(cid, sealed.sealed, { signal, hashed: true })
    // Only after a successful put: a failed one may still have a write in progress.
    sealer.release(sealed)
    refs[index] = { cid, key: sealed.key, size: sealed.size, stored: sealed.sealed.byteLength, compression: sealed.compression }
    if (isNew) {
      result.newChunks++
      result.storedBytes += sealed.sealed.byteLength
    }
    done += sealed.size
    options.onProgress?.({ bytes: done, total: options.total })
  }

  let index = 0
  for await (const chunk of fastcdc(source, { ...options.chunker, allocate: length => sealer.allocate(length) })) {
    signal?.throwIfAborted()
    if (failure !== undefined) break
    result.size += chunk.length
    const task = sealAndStore(index++, chunk.data)
      .catch(err => { failure ??= err })
      .finally(() => running.delete(task))
    running.add(task)
    while (running.size >= inFlight) await Promise.race(running)
  }
  await Promise.all(running)
  if (failure !== undefined) throw failure
  return result
}
