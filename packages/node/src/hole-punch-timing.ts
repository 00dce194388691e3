// When the two sides of a hole punch dial (hole-punch.ts), as DCUtR times it: the
// initiator measures the round trip of the CONNECT exchange over the relayed connection,
// sends SYNC and dials RTT/2 later; the responder dials as SYNC arrives. Both SYNs then
// leave at about the same moment. A SYN that reaches the other router before that
// router's own SYN went out is dropped (not answered), and the kernel sends it again a
// second later: so an attempt is left running, and a new one is only made after one failed
// outright (e.g. refused), until the bound.
import { timeoutError, type Clock } from '@shoal/runtime'

/** How long the initiator waits after sending SYNC before it dials: half the measured round trip. */
export function initiatorDialDelayMs (rttMs: number): number {
  return Number.isFinite(rttMs) && rttMs > 0 ? Math.round(rttMs / 2) : 0
}

export interface AttemptSchedule {
  /** every attempt ends by this long after the first began */
  boundMs: number
  /** the pause after an attempt failed before the next begins */
  retryDelayMs: number
}

/** The bound gone with no attempt succeeding; `causes` are the attempts' own errors. */
export class AttemptsExhaustedError extends Error {
  static readonly code = 'ERR_PUNCH_ATTEMPTS'
  readonly code = AttemptsExhaustedError.code
  override name = 'AttemptsExhaustedError'
  constructor (readonly attempts: number, readonly boundMs: number, readonly causes: unknown[]) {
    super(`no direct connection after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${boundMs} ms${causes.length > 0 ? ` (last: ${(causes[causes.length - 1] as Error)?.message ?? String(causes[causes.length - 1])})` : ''}`)
  }
}

/**
 * Runs `attempt` until one succeeds, each given a signal that aborts at the bound (or when
 * `signal` does); after a failure, tries again `retryDelayMs` later while time is left.
 */
export async function attemptWithin<T> (clock: Clock, schedule: AttemptSchedule, attempt: (signal: AbortSignal, n: number) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const started = clock.now()
  const bound = new AbortController()
  const cancel = clock.after(schedule.boundMs, () => { bound.abort(timeoutError(schedule.boundMs)) })
  const onAbort = (): void => { bound.abort(signal?.reason) }
  signal?.addEventListener('abort', onAbort, { once: true })
  const causes: unknown[] = []
  try {
    for (let n = 1; ; n++) {
      signal?.throwIfAborted()
      try {
        return await attempt(bound.signal, n)
      } catch (err) {
        signal?.throwIfAborted()
        causes.push(err)
        const left = schedule.boundMs - (clock.now() - started)
        if (bound.signal.aborted || left <= schedule.retryDelayMs) throw new AttemptsExhaustedError(n, schedule.boundMs, causes)
        await clock.sleep(schedule.retryDelayMs, { signal: bound.signal }).catch(() => {})
        if (bound.signal.aborted) throw new AttemptsExhaustedError(n, schedule.boundMs, causes)
      }
    }
  } finally {
    cancel()
    signal?.removeEventListener('abort', onAbort)
  }
}
