import { UsageError } from '../../errors.js'

/** `--bootstrap-timeout`: a positive number of seconds, returned in milliseconds. */
export function parseBootstrapTimeout (text: string, flag = '--bootstrap-timeout'): number {
  const seconds = Number(text)
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`${flag}: '${text}' is not a positive number of seconds`)
  return seconds * 1000
}
