/** Bytes did not match what they claim to be: a hash, an AEAD tag, a CID. */
export class IntegrityError extends Error {
  static readonly code = 'ERR_INTEGRITY'
  readonly code = IntegrityError.code
  override name = 'IntegrityError'
}

/**
 * The convergence secret file exists but does not hold a secret. It is never
 * replaced automatically: a new secret would silently end dedup with everything
 * uploaded before, so a person decides (restore it, or move it away).
 */
export class InvalidConvergenceSecretError extends Error {
  static readonly code = 'ERR_INVALID_CONVERGENCE_SECRET'
  readonly code = InvalidConvergenceSecretError.code
  override name = 'InvalidConvergenceSecretError'
  constructor (readonly path: string, readonly reason: string) {
    super(`convergence secret ${path} is unusable: ${reason}. It was left untouched; restore it from a backup, or move it away to start a new secret (later uploads will then not dedupe against earlier ones)`)
  }
}
