import { InterruptedError } from './errors.js'
import type { CommandIo } from './io.js'

/**
 * Runs `fn` with a signal that Ctrl-C (SIGINT), SIGTERM or the caller's `io.signal`
 * aborts with an InterruptedError. The process listeners last only as long as `fn`, so a
 * second Ctrl-C after the command is done, or before it started, stops the process.
 */
export async function withInterrupt<T> (io: Pick<CommandIo, 'signal'>, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const onSignal = (): void => controller.abort(new InterruptedError())
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  if (io.signal?.aborted === true) onSignal()
  io.signal?.addEventListener('abort', onSignal, { once: true })
  try {
    return await fn(controller.signal)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    io.signal?.removeEventListener('abort', onSignal)
  }
}
