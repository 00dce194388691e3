// Joining an operation's signal with one request's deadline. An upload's or download's
// signal is joined by every request it makes, thousands over its life: any-signal's
// clear() takes each request's listener off again (AbortSignal.any keeps them in Node 20).
import { setMaxListeners } from 'node:events'
import { anySignal } from 'any-signal'
import type { Clock } from '@shoal/runtime'

/** Runs `fn` with a signal that aborts when any of `signals` does or, if `ms` is given, after `ms` on `clock`. */
export async function withDeadline<T> (clock: Clock, ms: number | undefined, signals: Array<AbortSignal | undefined>, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const inputs = signals.filter((s): s is AbortSignal => s !== undefined)
  // hundreds of requests in flight at once each listen to the operation's signal
  if (inputs.length > 0) setMaxListeners(0, ...inputs)
  if (ms !== undefined) inputs.push(clock.timeout(ms))
  const signal = anySignal(inputs)
  try {
    return await fn(signal)
  } finally {
    signal.clear()
  }
}
