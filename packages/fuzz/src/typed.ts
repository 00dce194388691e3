// The property every decoder owes hostile input: it ends in a value or in one of our
// typed errors (an Error whose `code` is one the caller expects), never in a TypeError,
// a RangeError, a stack overflow or any other crash, and never after an unbounded time.

/** A single case this slow is a hang in the making (CI cases take microseconds). */
const HANG_MS = 5_000

export type Outcome<T> = { ok: true, value: T } | { ok: false, code: string, error: Error }

export class UntypedFailureError extends Error {
  static readonly code = 'ERR_FUZZ_UNTYPED_FAILURE'
  readonly code = UntypedFailureError.code
  override name = 'UntypedFailureError'
}

/**
 * Runs `decode`; returns its value, or the typed error it threw when that error's
 * `code` is in `codes`. Anything else (another error, a plain throw, a case that took
 * more than a few seconds) fails the property with the original error as its cause.
 */
export function typedOutcome<T> (decode: () => T, codes: readonly string[]): Outcome<T> {
  const started = performance.now()
  let result: Outcome<T>
  try {
    result = { ok: true, value: decode() }
  } catch (err) {
    result = check(err, codes)
  }
  const took = performance.now() - started
  if (took > HANG_MS) throw new UntypedFailureError(`one case took ${Math.round(took)} ms`)
  return result
}

/** typedOutcome for an async decoder. */
export async function typedOutcomeAsync<T> (decode: () => Promise<T>, codes: readonly string[]): Promise<Outcome<T>> {
  const started = performance.now()
  let result: Outcome<T>
  try {
    result = { ok: true, value: await decode() }
  } catch (err) {
    result = check(err, codes)
  }
  const took = performance.now() - started
  if (took > HANG_MS) throw new UntypedFailureError(`one case took ${Math.round(took)} ms`)
  return result
}

function check (err: unknown, codes: readonly string[]): Outcome<never> {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined
  if (typeof code === 'string' && codes.includes(code)) return { ok: false, code, error: err as Error }
  const shown = err instanceof Error ? `${err.name} (code ${String(code)}): ${err.message}` : `non-Error ${String(err)}`
  throw new UntypedFailureError(`untyped failure, expected one of ${codes.join(', ')}: ${shown}`, { cause: err })
}
