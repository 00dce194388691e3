import { anySignal } from 'any-signal'
import { raceSignal } from 'race-signal'
import type { ChunkRef, FileManifest } from '@shoal/manifest'
import { redundancyOptions } from './stripe-read.js'
import { swarm, type SwarmStats } from './swarm.js'
import type { AbortOptions, ChunkSource, Progress } from './types.js'
import type { Clock } from '@shoal/runtime'

export interface FetchOptions extends AbortOptions {
  /** Chunks fetched, verified and decrypted at once (default 8); bounds memory. */
  concurrency?: number
  /** Holders per chunk the uploader placed (the manifest's replicas): asked first. */
  replicas?: number
  onProgress?: (progress: Progress) => void
  /** What the download took: bytes fetched, duplicates, blamed holders. */
  onStats?: (stats: SwarmStats) => void
  /** time for the swarm (default real time) */
  clock?: Clock
  /**
   * The file `refs` are chunks of, and the index of the first of them in it: how it is
   * kept (replicas, or stripes an erasure-coded file's lost chunks are rebuilt from).
   * Needed to read an erasure-coded file, whole or a Range of it.
   */
  file?: { manifest: FileManifest, first?: number }
}

/**
 * The plaintext of `refs`, in order. Chunks are fetched by the swarm (many holders at
 * once) and handed out in order; a chunk fetched ahead keeps its window slot until the
 * consumer takes it, so memory stays bounded by the window however slow the consumer.
 */
export async function * readContent (refs: ChunkRef[], source: ChunkSource, options: FetchOptions = {}): AsyncGenerator<Uint8Array> {
  const total = refs.reduce((n, r) => n + r.size, 0)
  const controller = new AbortController()
  const signal = options.signal !== undefined ? AbortSignal.any([options.signal, controller.signal]) : controller.signal
  const ready = new Map<number, { plaintext: Uint8Array, taken: () => void }>()
  let wake: (() => void) | null = null
  const notify = (): void => { const w = wake; wake = null; w?.() }
  let ended = false
  let failure: unknown

  const run = swarm(refs, source, async (index, plaintext, failed) => {
    // wait for the consumer, unless it stops (signal) or the download fails (failed)
    const given = anySignal([signal, failed])
    try {
      given.throwIfAborted()
      await raceSignal(new Promise<void>(resolve => {
        ready.set(index, { plaintext, taken: resolve })
        notify()
      }), given)
    } finally {
      given.clear()
    }
  }, {
    signal,
    window: options.concurrency,
    replicas: options.replicas,
    clock: options.clock,
    ...(options.file !== undefined ? redundancyOptions(options.file.manifest, source, { first: options.file.first, clock: options.clock }) : {})
  })
  run.then(stats => { ended = true; options.onStats?.(stats); notify() }, err => { failure = err; ended = true; notify() })

  let bytes = 0
  try {
    for (let index = 0; index < refs.length; index++) {
      let entry = ready.get(index)
      while (entry === undefined) {
        if (failure !== undefined) throw failure
        if (ended) throw new Error(`internal: the swarm ended without chunk ${index}`)
        await new Promise<void>(resolve => { wake = resolve })
        entry = ready.get(index)
      }
      ready.delete(index)
      bytes += entry.plaintext.byteLength
      options.onProgress?.({ bytes, total })
      yield entry.plaintext
      entry.taken()
    }
    await run
  } finally {
    if (!ended) controller.abort(new Error('download closed early'))
    await run.catch(() => {})
  }
}
