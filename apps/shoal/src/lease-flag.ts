import { parseDuration } from './duration.js'

/** How long a lease lasts unless said (DEFAULT_LEASE_MS in @shoal/node, kept here so --help loads no node). */
export const DEFAULT_LEASE_MS = 90 * 24 * 60 * 60 * 1000
/**
 * The longest lease a user may ask for: what a vault takes (MAX_LEASE_MS in @shoal/node,
 * 400 days); a file kept longer is renewed (a daemon does it for its uploads).
 */
export const MAX_LEASE_MS = 400 * 24 * 60 * 60 * 1000

/** `--lease`: a duration from one second to 400 days. */
export function checkLease (text: string): number {
  return parseDuration(text, '--lease', { minMs: 1000, maxMs: MAX_LEASE_MS })
}
