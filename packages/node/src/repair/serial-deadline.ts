// A deadline for each of many short steps run one after another (the repair walk's
// lookups, one per chunk): one controller for them all, its timer re-armed per step,
// rather than a controller per step (creating an AbortSignal is most of a lookup that
// reads the routing table). A step that overruns aborts the signal for the rest.
import { timeoutError, type Clock } from '@shoal/runtime'

export interface SerialDeadline {
  /** Runs `fn` with `ms` of its own on the shared signal. */
  run: <T>(fn: (signal: AbortSignal) => Promise<T>) => Promise<T>
  /** Stops listening to the outer signal. */
  end: () => void
}

export function serialDeadline (clock: Clock, ms: number, outer?: AbortSignal): SerialDeadline {
  const controller = new AbortController()
  const onAbort = (): void => { controller.abort(outer?.reason) }
  if (outer?.aborted === true) onAbort()
  else outer?.addEventListener('abort', onAbort, { once: true })
  return {
    async run (fn) {
      controller.signal.throwIfAborted()
      const cancel = clock.after(ms, () => { controller.abort(timeoutError(ms)) })
      try {
        return await fn(controller.signal)
      } finally {
        cancel()
      }
    },
    end () { outer?.removeEventListener('abort', onAbort) }
  }
}
