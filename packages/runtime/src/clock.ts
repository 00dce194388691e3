// Time as Shoal's logic sees it. Everything that waits, measures or gives up after a
// deadline asks a Clock, so the same code runs on real time (systemClock) or on a
// virtual clock that a test or the simulator drives (virtual-clock.ts).
import { setTimeout as delay } from 'node:timers/promises'

export interface Clock {
  /** Milliseconds, monotonic; only differences mean anything. */
  now: () => number
  /** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
  sleep: (ms: number, options?: { signal?: AbortSignal }) => Promise<void>
  /** A signal that aborts with a TimeoutError after `ms` (AbortSignal.timeout's twin). */
  timeout: (ms: number) => AbortSignal
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  after: (ms: number, fn: () => void) => Cancel
  /** Calls `fn` every `ms` until the returned function is called. */
  every: (ms: number, fn: () => void) => Cancel
}

export type Cancel = () => void

/** The error a timed-out signal carries: the same name AbortSignal.timeout gives. */
export function timeoutError (ms: number): DOMException {
  // Its stack would only say a timer fired, and capturing it is most of the cost (~20 µs
  // of ~25 in Node 20): a simulation's requests to vaults that are down time out by the million.
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return new DOMException(`the operation timed out after ${ms} ms`, 'TimeoutError')
  } finally {
    Error.stackTraceLimit = limit
  }
}

/** Real time: performance.now and Node's timers (which, like setTimeout's, keep the process alive while pending). */
export const systemClock: Clock = {
  now: () => performance.now(),
  async sleep (ms, options = {}) {
    const { signal } = options
    // Node's timer rejects with an AbortError of its own; a Clock rejects with the reason
    await delay(ms, undefined, { signal }).catch(err => { throw signal?.aborted === true ? signal.reason : err })
  },
  timeout: ms => AbortSignal.timeout(ms),
  after (ms, fn) {
    const timer = setTimeout(fn, ms)
    return () => { clearTimeout(timer) }
  },
  every (ms, fn) {
    const timer = setInterval(fn, ms)
    return () => { clearInterval(timer) }
  }
}
