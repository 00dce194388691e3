/** The command line was wrong: exit code 2. */
export class UsageError extends Error {
  static readonly code = 'ERR_USAGE'
  readonly code = UsageError.code
  override name = 'UsageError'
}

/** Ctrl-C or SIGTERM stopped the command; what it was writing stays for the next run. */
export class InterruptedError extends Error {
  static readonly code = 'ERR_INTERRUPTED'
  readonly code = InterruptedError.code
  readonly interruption = true
  override name = 'InterruptedError'
  constructor () { super('interrupted') }
}

/**
 * A failure that may pass (the user stopped the command, the connection to the daemon
 * broke) rather than one of the content itself (a chunk nobody has, bad bytes): a get
 * keeps what it wrote for the same command to continue. Errors say so with
 * `interruption: true`.
 */
export function isInterruption (err: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (err as { interruption?: unknown })?.interruption === true
}

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
/** Stopped by Ctrl-C (SIGINT) or SIGTERM: 128 + SIGINT, the shell's convention. */
export const EXIT_INTERRUPTED = 130

/** Errors the user caused with what they typed, not failures of the system. */
const USAGE_CODES = new Set(['ERR_USAGE', 'ERR_CONFIG', 'ERR_INVALID_CAPABILITY'])

/**
 * One line for the user, never a stack trace for a known condition. Unknown errors
 * say so and point at DEBUG=shoal* for details.
 */
export function describeError (err: unknown): { message: string, exitCode: number } {
  const e = err as { code?: unknown, message?: unknown, name?: unknown }
  const code = typeof e?.code === 'string' ? e.code : undefined
  const message = typeof e?.message === 'string' ? e.message.split('\n')[0] : String(err)
  if (code !== undefined && USAGE_CODES.has(code)) return { message, exitCode: EXIT_USAGE }
  if (code === InterruptedError.code) return { message: `${message} (${code})`, exitCode: EXIT_INTERRUPTED }
  if (code === 'ERR_INSUFFICIENT_HOLDERS' && (err as { noSpace?: boolean }).noSpace === true) {
    return { message: `not enough space on the network: ${message} (ERR_NO_SPACE)`, exitCode: EXIT_FAILURE }
  }
  if (code !== undefined) return { message: `${message} (${code})`, exitCode: EXIT_FAILURE }
  return { message: `unexpected error: ${message}`, exitCode: EXIT_FAILURE }
}
