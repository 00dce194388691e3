import { setMaxListeners } from 'node:events'
import { Semaphore } from 'async-mutex'
import pLimit from 'p-limit'
import { raceSignal } from 'race-signal'

/**
 * Files of a directory put or written at once, at most. A small file costs a few fsyncs
 * (and over the network a round trip or two) and little CPU, so one at a time leaves the
 * machine waiting; concurrent fsyncs share journal commits (bench/README.md, "Files at
 * once").
 */
export const FILES_AT_ONCE = 8

/**
 * A file takes a permit per started MiB, at most all FILES_AT_ONCE: about 8 MiB of files
 * are in the pipeline at once, so a directory of small files goes 8 at a time while a
 * big file, whose own chunk pipeline keeps the cores busy, goes alone (each file in
 * progress holds a chunker window or a download's chunk buffers).
 */
const PERMIT_BYTES = 1024 * 1024

export function fileWeight (size: number, permits: Permits): number {
  return Math.min(permits.total, Math.max(1, Math.ceil(size / PERMIT_BYTES)))
}

/**
 * A counted lock: `acquire(n)` waits, in arrival order, until n of `total` permits are
 * free (async-mutex's weighted semaphore, which serves its queue strictly in order, so a
 * big file is not starved by small ones). n = 0 (a directory) never waits.
 */
export class Permits {
  private readonly semaphore: Semaphore

  constructor (readonly total: number = FILES_AT_ONCE) {
    this.semaphore = new Semaphore(total)
  }

  /** Waits for `n` permits; rejects with the signal's reason if it aborts first (the permits are then not taken). */
  async acquire (n: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    if (n === 0) return
    const granted = this.semaphore.acquire(n)
    // every file waiting in a tree listens to the operation's one signal: dozens at once
    if (signal !== undefined) setMaxListeners(0, signal)
    try {
      await raceSignal(granted, signal)
    } catch (err) {
      // the semaphore cannot take a waiter back: give its permits back once it is served
      granted.then(([, release]) => { release() }, () => {})
      throw err
    }
  }

  /** Runs `fn` holding `n` permits. */
  async run<T> (n: number, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(n, signal)
    try {
      return await fn()
    } finally {
      this.release(n)
    }
  }

  release (n: number): void {
    if (n > 0) this.semaphore.release(n)
  }
}

/**
 * How many entries of a directory to write at once: FILES_AT_ONCE, or 1 where two names
 * may be one file on the file system written to (case, Unicode form) and would race for it.
 */
export function writeLimit (names: string[]): number {
  const folded = new Set(names.map(name => name.normalize('NFC').toLowerCase()))
  return folded.size === names.length ? FILES_AT_ONCE : 1
}

/**
 * Runs `fn` over `items`, at most `limit` at once, started in order. After the first
 * failure no more are started; the running ones are waited for and that failure thrown.
 */
export async function eachAtOnce<T> (items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  const slots = pLimit(Math.max(1, limit))
  let failure: { error: unknown } | undefined
  await Promise.all(items.map(async (item, index) => {
    await slots(async () => {
      if (failure !== undefined) return
      try {
        await fn(item, index)
      } catch (error) {
        failure ??= { error }
      }
    })
  }))
  if (failure !== undefined) throw failure.error
}
