import { fastcdc, type ByteReader, type ChunkerOptions } from '@shoal/chunker'
import { chunkCid, type ChunkRef, type Stripe } from '@shoal/manifest'
import type { ReplicateTarget } from '@shoal/protocol'
import type { Sealer } from './seal-pool.js'
import { writeStripes } from './stripe-write.js'
import type { AbortOptions, ChunkSink, Progress } from './types.js'

export interface ContentResult {
  chunks: ChunkRef[]
  /** the stripes' parity, when written as stripes */
  stripes?: Stripe[]
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
  /** passed with every chunk's put (SinkPutOptions.target) */
  target?: ReplicateTarget
  /** stripes of k chunks plus m parity pieces instead of whole chunks (writeStripes) */
  erasure?: { k: number, m: number }
}

/** Chunk → seal → store a byte stream, in order, with bounded parallelism. */
export async function writeContent (source: AsyncIterable<Uint8Array> | ByteReader, options: WriteContentOptions): Promise<ContentResult> {
  if (options.erasure !== undefined) return await writeStripes(source, { ...options, ...options.erasure })
  const { sink, sealer, signal, target } = options
  const inFlight = options.inFlight ?? 6
  const refs: ChunkRef[] = []
  const result: ContentResult = { chunks: refs, size: 0, newChunks: 0, storedBytes: 0 }
  const running = new Set<Promise<void>>()
  let failure: unknown
  let done = 0

  const sealAndStore = async (index: number, data: Uint8Array): Promise<void> => {
    const sealed = await sealer.seal(data)
    const cid = chunkCid(sealed.digest)
    const isNew = await sink.put(cid, sealed.sealed, { signal, hashed: true, ...(target !== undefined ? { target } : {}) })
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
