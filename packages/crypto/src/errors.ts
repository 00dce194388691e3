/** Bytes did not match what they claim to be: a hash, an AEAD tag, a CID. */
export class IntegrityError extends Error {
  static readonly code = 'ERR_INTEGRITY'
  readonly code = IntegrityError.code
  override name = 'IntegrityError'
}
