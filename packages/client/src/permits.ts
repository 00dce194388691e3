import { setMaxListeners } from 'node:events'

/**
 * Files of a directory put or written at once, at most. A small file costs a few fsyncs
 * (and over the network a round trip or two) and little CPU, so one at a time leaves the
 * machine waiting (500 files of ~4 KiB put into a vault: 5.2 s, the main thread idle two
 * thirds of it); concurrent fsyncs share journal commits.
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

/** A counted lock: `acquire(n)` waits, in arrival order, until n of `total` permits are free. */
export class Permits {
  private free: number
  private readonly queue: Array<{ n: number, grant: () => void }> = []

  constructor (readonly total: number = FILES_AT_ONCE) {
    this.free = total
  }

  async acquire (n: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    if (n === 0) return
    if (this.queue.length === 0 && this.free >= n) {
      this.free -= n
      return
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = { n, grant: () => { signal?.removeEventListener('abort', onAbort); resolve() } }
      const onAbort = (): void => {
        const i = this.queue.indexOf(waiter)
        if (i >= 0) this.queue.splice(i, 1)
        this.wake()
        reject(signal?.reason)
      }
      if (signal !== undefined) {
        // every file waiting in a tree listens to the operation's one signal: dozens at once
        setMaxListeners(0, signal)
        signal.addEventListener('abort', onAbort, { once: true })
      }
      this.queue.push(waiter)
    })
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
    this.free += n
    this.wake()
  }

  private wake (): void {
    while (this.queue.length > 0 && this.free >= this.queue[0].n) {
      const waiter = this.queue.shift()!
      this.free -= waiter.n
      waiter.grant()
    }
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
  let next = 0
  let failure: { error: unknown } | undefined
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined) {
      const index = next++
      try {
        await fn(items[index], index)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failure !== undefined) throw failure.error
}
