// One class per condition, each with a stable name and code (docs/architecture.md#errors).
// Messages say what is wrong in words a user can act on; the data a caller needs rides
// along.

/** A chunk address is not a CIDv1 / raw / sha2-256 / 32-byte digest, or is not canonical. */
export class InvalidCidError extends Error {
  static readonly code = 'ERR_INVALID_CID'
  readonly code = InvalidCidError.code
  override name = 'InvalidCidError'
  constructor (readonly reason: string) {
    super(`invalid chunk CID: ${reason}`)
  }
}

/** A `shoal:` capability URI (or a Capability object) is malformed. */
export class InvalidCapabilityError extends Error {
  static readonly code = 'ERR_INVALID_CAPABILITY'
  readonly code = InvalidCapabilityError.code
  override name = 'InvalidCapabilityError'
  constructor (readonly reason: string) {
    super(`invalid capability: ${reason}`)
  }
}

/**
 * A manifest breaks the format: `field` is the path of the offending field
 * (`chunks[3].key`, `entries[0].name`, or `manifest` for the record as a whole).
 */
export class InvalidManifestError extends Error {
  static readonly code = 'ERR_INVALID_MANIFEST'
  readonly code = InvalidManifestError.code
  override name = 'InvalidManifestError'
  constructor (readonly field: string, readonly reason: string) {
    super(`invalid manifest: ${field}: ${reason}`)
  }
}

/** The manifest is well formed but written in a format version this build cannot read. */
export class UnsupportedManifestVersionError extends Error {
  static readonly code = 'ERR_UNSUPPORTED_MANIFEST_VERSION'
  readonly code = UnsupportedManifestVersionError.code
  override name = 'UnsupportedManifestVersionError'
  /** `supported`: the newest version this build reads */
  constructor (readonly version: number, readonly supported: number) {
    super(`manifest format version ${version} is not supported (this build reads versions 1 to ${supported}); upgrade shoal to read it`)
  }
}
