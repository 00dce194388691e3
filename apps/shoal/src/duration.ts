import ms from 'ms'
import { UsageError } from './errors.js'

/**
 * The longest wait a timer can hold (setTimeout, setInterval): Node fires a longer one
 * after 1 ms, so a longer repair interval would spin: the bound of a duration used as one.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Parses durations like `10s`, `5m`, `2h`, `90d`, `1.5h` into milliseconds; the unit is
 * required (a bare `10` could mean seconds or milliseconds, and both have been meant).
 */
export function parseDuration (text: string, flag: string, bounds: { minMs?: number, maxMs?: number } = {}): number {
  const trimmed = text.trim()
  const value = /^\d+(?:\.\d+)?\s*[a-zA-Z]+$/.test(trimmed) ? ms(trimmed as ms.StringValue) : undefined
  if (value === undefined || !Number.isFinite(value)) {
    throw new UsageError(`${flag}: '${text}' is not a duration with a unit (examples: 10s, 5m, 2h, 90d)`)
  }
  const min = bounds.minMs ?? 1
  if (value < min) throw new UsageError(`${flag}: '${text}' is shorter than ${ms(min, { long: true })}`)
  const max = bounds.maxMs
  if (max !== undefined && value > max) throw new UsageError(`${flag}: '${text}' is longer than ${max === MAX_TIMER_MS ? 'a timer can wait (24.8 days)' : ms(max, { long: true })}`)
  return Math.round(value)
}
