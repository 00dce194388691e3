// A clock that only moves when told to: timers fire in (time, creation) order, so a run
// over the in-memory network takes the same steps every time. `run(fn)` drives it: while
// fn's promise is pending, it lets every ready microtask and immediate settle, then jumps
// to the next instant a timer is due and fires every timer due then. Code on a virtual
// clock must not wait on real I/O (a disk, a socket): the clock cannot see it and would
// jump past it.
import { setImmediate } from 'node:timers/promises'
import TinyQueue from 'tinyqueue'
import { timeoutError, type Cancel, type Clock } from './clock.js'

interface Timer { at: number, seq: number, fn: () => void, cancelled: boolean }

export interface VirtualClock extends Clock {
  /** Runs `fn`, advancing time whenever nothing else can happen, until its promise settles. */
  run: <T>(fn: () => Promise<T>, options?: RunOptions) => Promise<T>
  /** Fires every timer due within `ms` from now, in order, letting the work of each instant's timers settle. */
  advance: (ms: number) => Promise<void>
  /** Timers scheduled and not yet fired or cancelled. */
  readonly pending: number
}

export interface RunOptions {
  /**
   * Fail instead of running past this much virtual time (default a day). A run waiting on
   * something that never comes while a repeating timer ticks (a swarm's) never stalls: this
   * is what ends it.
   */
  limitMs?: number
}

const DEFAULT_RUN_LIMIT_MS = 24 * 60 * 60 * 1000

/** Nothing is scheduled, yet the run's promise has not settled: it waits on something no timer will bring. */
export class StalledRunError extends Error {
  static readonly code = 'ERR_STALLED_RUN'
  readonly code = StalledRunError.code
  override name = 'StalledRunError'
  constructor (at: number) { super(`virtual clock at ${at} ms: nothing is scheduled and the run has not ended`) }
}

export class RunLimitError extends Error {
  static readonly code = 'ERR_RUN_LIMIT'
  readonly code = RunLimitError.code
  override name = 'RunLimitError'
  constructor (limitMs: number) { super(`the run did not end within ${limitMs} ms of virtual time`) }
}

export function createVirtualClock (start = 0): VirtualClock {
  let time = start
  let seq = 0
  let live = 0
  const timers = new TinyQueue<Timer>([], (a, b) => a.at - b.at || a.seq - b.seq)

  const schedule = (ms: number, fn: () => void): Timer => {
    const timer = { at: time + Math.max(0, ms), seq: seq++, fn, cancelled: false }
    timers.push(timer)
    live++
    return timer
  }
  const cancel = (timer: Timer): void => {
    if (timer.cancelled) return
    timer.cancelled = true
    live--
  }
  /** The next timer still wanted, without firing it. */
  const peek = (): Timer | undefined => {
    while (timers.peek()?.cancelled === true) timers.pop()
    return timers.peek()
  }
  const fire = (timer: Timer): void => {
    timers.pop()
    live--
    timer.cancelled = true
    time = Math.max(time, timer.at)
    timer.fn()
  }

  // Timers due at one instant fire together, in order, and their work settles once after:
  // a settle is a turn of the event loop, and a fifth of a simulation's timers share an instant.
  const fireAllAt = (first: Timer): void => {
    fire(first)
    for (let next = peek(); next !== undefined && next.at === first.at; next = peek()) fire(next)
  }

  const clock: VirtualClock = {
    now: () => time,
    async sleep (ms, options = {}) {
      const { signal } = options
      signal?.throwIfAborted()
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => { cancel(timer); reject(signal?.reason) }
        const timer = schedule(ms, () => { signal?.removeEventListener('abort', onAbort); resolve() })
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    },
    timeout (ms) {
      const controller = new AbortController()
      schedule(ms, () => { controller.abort(timeoutError(ms)) })
      return controller.signal
    },
    after (ms, fn) {
      const timer = schedule(ms, fn)
      return () => { cancel(timer) }
    },
    every (ms, fn) {
      let timer: Timer
      const tick = (): void => {
        timer = schedule(ms, tick)
        fn()
      }
      timer = schedule(ms, tick)
      const stop: Cancel = () => { cancel(timer) }
      return stop
    },
    get pending () { return live },

    async advance (ms) {
      const until = time + ms
      await settle()
      for (let next = peek(); next !== undefined && next.at <= until; next = peek()) {
        fireAllAt(next)
        await settle()
      }
      time = Math.max(time, until)
    },

    async run (fn, options = {}) {
      const limitMs = options.limitMs ?? DEFAULT_RUN_LIMIT_MS
      const limit = time + limitMs
      const run = { settled: false }
      const outcome = fn().finally(() => { run.settled = true })
      outcome.catch(() => {}) // observed below; not an unhandled rejection meanwhile
      await settle()
      while (!run.settled) {
        const next = peek()
        if (next === undefined) throw new StalledRunError(time)
        if (next.at > limit) throw new RunLimitError(limitMs)
        fireAllAt(next)
        await settle()
      }
      return await outcome
    }
  }
  return clock
}

// Every microtask queued so far runs before an immediate does, and so do the ones those
// queue: after this, only timers (or real I/O) can move anything.
async function settle (): Promise<void> {
  await setImmediate()
}
