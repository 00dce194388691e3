import { randomFillSync } from 'node:crypto'
import { KEY_BYTES } from './constants.js'
import { SHARED_CONVERGENCE_SECRET } from './convergence-secret.js'
import { assertBytes } from './validate.js'

/** 32 random bytes from the OS CSPRNG: a manifest key. */
export function randomKey (): Uint8Array {
  return randomFillSync(new Uint8Array(KEY_BYTES))
}

/**
 * Zeroes key material once it is no longer needed. Best effort: the JS engine may
 * have copied the bytes elsewhere. SHARED_CONVERGENCE_SECRET is public and shared by
 * the whole process, so wiping it is a no-op rather than silently breaking dedup;
 * that lets cleanup code wipe "the convergence secret" whichever mode it came from.
 */
export function wipe (bytes: Uint8Array): void {
  assertBytes(bytes, 'bytes')
  if (bytes === SHARED_CONVERGENCE_SECRET) return
  bytes.fill(0)
}
