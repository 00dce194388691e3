// What a node tells its operator: peers joining and leaving, requests it refused, disk
// trouble, bootstrap problems. The node calls a logger it is given (pino's fits this
// shape); without one, the lines go to `debug`, so a library still prints nothing unless
// DEBUG=shoal:* says so.
import debug from 'debug'

/** Fields first, then a one-line message, as pino takes them. */
export type LogFn = (fields: Record<string, unknown>, message: string) => void

export interface NodeLogger {
  error: LogFn
  warn: LogFn
  info: LogFn
  debug: LogFn
}

/** Each level to `debug(namespace:level)`, fields after the message. */
export function debugLogger (namespace: string): NodeLogger {
  const at = (level: string): LogFn => {
    const log = debug(`${namespace}:${level}`)
    return (fields, message) => { if (log.enabled) log('%s %o', message, fields) }
  }
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') }
}

/**
 * Lets one line through per key and interval, and counts what it held back, which the
 * next line let through reports as `suppressed`. A flood (a full vault asked for every
 * chunk of an upload, a peer over its rate) stays a line a minute.
 */
export function throttle (now: () => number, intervalMs = 60_000, maxKeys = 1024): (key: string, log: (suppressed: number) => void) => void {
  const seen = new Map<string, { at: number, held: number }>()
  return (key, log) => {
    const t = now()
    const last = seen.get(key)
    if (last !== undefined && t - last.at < intervalMs) {
      last.held++
      return
    }
    seen.delete(key) // re-inserted last: the map's order is then oldest first
    if (seen.size >= maxKeys) seen.delete(seen.keys().next().value as string)
    seen.set(key, { at: t, held: 0 })
    log(last?.held ?? 0)
  }
}
