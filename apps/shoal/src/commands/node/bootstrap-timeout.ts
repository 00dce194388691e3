import { MAX_TIMER_MS } from '../../duration.js'
import { UsageError } from '../../errors.js'

/** `--bootstrap-timeout`: a positive number of seconds, returned in whole milliseconds (what AbortSignal.timeout takes). */
export function parseBootstrapTimeout (text: string, flag = '--bootstrap-timeout'): number {
  const seconds = Number(text)
  if (text.trim() === '' || !Number.isFinite(seconds) || Math.round(seconds * 1000) < 1) throw new UsageError(`${flag}: '${text}' is not a positive number of seconds`)
  if (seconds * 1000 > MAX_TIMER_MS) throw new UsageError(`${flag}: '${text}' is longer than a timer can wait (${Math.floor(MAX_TIMER_MS / 1000)} seconds)`)
  return Math.round(seconds * 1000)
}
