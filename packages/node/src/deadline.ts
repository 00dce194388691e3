// Joining an operation's signal with one request's deadline. An upload's or download's
// signal is joined by every request it makes, thousands over its life, so each request's
// listener comes off again when it ends, and so does its deadline's timer: a deadline
// left to fire after the answer costs a timer and an error for nothing (AbortSignal.any
// and AbortSignal.timeout do both in Node 20).
import { setMaxListeners } from 'node:events'
import { timeoutError, type Clock } from '@shoal/runtime'

/** Runs `fn` with a signal that aborts when any of `signals` does or, if `ms` is given, after `ms` on `clock`. */
export async function withDeadline<T> (clock: Clock, ms: number | undefined, signals: Array<AbortSignal | undefined>, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const inputs: AbortSignal[] = []
  const onAbort = (event: Event): void => { controller.abort((event.target as AbortSignal).reason) }
  for (const input of signals) {
    if (input === undefined) continue
    if (input.aborted) {
      controller.abort(input.reason)
      break
    }
    // hundreds of requests in flight at once each listen to the operation's signal
    setMaxListeners(0, input)
    input.addEventListener('abort', onAbort, { once: true })
    inputs.push(input)
  }
  const cancel = ms === undefined || controller.signal.aborted ? undefined : clock.after(ms, () => { controller.abort(timeoutError(ms)) })
  try {
    return await fn(controller.signal)
  } finally {
    cancel?.()
    for (const input of inputs) input.removeEventListener('abort', onAbort)
  }
}
