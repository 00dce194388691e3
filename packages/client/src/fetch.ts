import type { ChunkRef } from '@shoal/manifest'
import { ChunkNotFoundError } from './errors.js'
import { openChunk } from './seal.js'
import type { AbortOptions, ChunkSource, Progress } from './types.js'

export interface FetchOptions extends AbortOptions {
  /** Chunks fetched and opened at once (default 8). */
  concurrency?: number
  onProgress?: (progress: Progress) => void
}

/** Fetch one chunk, verify it against its CID, decrypt and decompress it. */
export async function fetchChunk (ref: ChunkRef, source: ChunkSource, options: AbortOptions = {}): Promise<Uint8Array> {
  const sealed = await source.get(ref.cid, options)
  if (sealed == null) throw new ChunkNotFoundError(ref.cid)
  return openChunk(ref, sealed)
}

/**
 * The plaintext of `refs`, in order, keeping up to `concurrency` chunks in flight so
 * that the source's latency overlaps with verification and decryption.
 */
export async function * readContent (refs: ChunkRef[], source: ChunkSource, options: FetchOptions = {}): AsyncGenerator<Uint8Array> {
  const concurrency = Math.max(1, options.concurrency ?? 8)
  const total = refs.reduce((n, r) => n + r.size, 0)
  const window: Array<Promise<Uint8Array>> = []
  let next = 0
  let bytes = 0
  const fill = (): void => {
    while (window.length < concurrency && next < refs.length) {
      const p = fetchChunk(refs[next++], source, options)
      p.catch(() => {}) // surfaced when awaited in order; avoids an unhandled rejection meanwhile
      window.push(p)
    }
  }
  try {
    fill()
    while (window.length > 0) {
      const plaintext = await (window.shift() as Promise<Uint8Array>)
      fill()
      bytes += plaintext.byteLength
      options.onProgress?.({ bytes, total })
      yield plaintext
    }
  } finally {
    window.length = 0
  }
}
