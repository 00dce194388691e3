// One error class per condition (docs/architecture.md#errors). ProtocolError is the only
// thing the decoders throw, whatever the input; RemoteError is a peer's ERR answer,
// raised by the caller that wanted something else; toWireError turns a local failure
// into an ERR answer without leaking internals.

/** The codes an ERR response carries. */
/**
 * Version 2 adds UNAUTHORIZED (a lease or drop whose signature does not verify for its
 * owner) and DEBT (the uploader takes far more space than it gives, see --max-debt).
 */
export const WIRE_ERROR_CODES = ['NOT_FOUND', 'NO_SPACE', 'INTEGRITY', 'TOO_LARGE', 'BAD_REQUEST', 'RATE_LIMITED', 'UNAUTHORIZED', 'DEBT'] as const
export type KnownWireErrorCode = typeof WIRE_ERROR_CODES[number]
/**
 * UNKNOWN: a code this build does not know (from a newer peer), or a failure the peer
 * does not explain (an internal error).
 */
export type WireErrorCode = KnownWireErrorCode | 'UNKNOWN'

export function isKnownWireErrorCode (code: unknown): code is KnownWireErrorCode {
  return typeof code === 'string' && (WIRE_ERROR_CODES as readonly string[]).includes(code)
}

/**
 * Bytes from a peer break the protocol: a bad or oversized frame, a malformed message.
 * `wireCode` is what to answer (BAD_REQUEST or TOO_LARGE); `id` is the request id when
 * it could be read, so the answer can be matched to its request.
 */
export class ProtocolError extends Error {
  static readonly code = 'ERR_PROTOCOL'
  readonly code = ProtocolError.code
  override name = 'ProtocolError'
  constructor (readonly wireCode: 'BAD_REQUEST' | 'TOO_LARGE', readonly reason: string, readonly id?: number) {
    super(`protocol error (${wireCode}): ${reason}`)
  }
}

/** A peer answered a request with ERR. */
export class RemoteError extends Error {
  static readonly code = 'ERR_REMOTE'
  readonly code = RemoteError.code
  override name = 'RemoteError'
  constructor (readonly wireCode: WireErrorCode, readonly remoteMessage: string, readonly id?: number) {
    super(`peer answered ${wireCode}: ${remoteMessage}`)
  }
}

export interface WireError { code: WireErrorCode, message: string }

// Fixed messages: a vault's free space, paths or stack are nobody else's business.
const DOMAIN_TO_WIRE: Record<string, WireError> = {
  ERR_NO_SPACE: { code: 'NO_SPACE', message: 'vault has no space for this chunk' },
  ERR_INTEGRITY: { code: 'INTEGRITY', message: 'chunk bytes do not hash to their CID' },
  ERR_CHUNK_TOO_LARGE: { code: 'TOO_LARGE', message: 'chunk is larger than the network maximum' },
  ERR_CHUNK_NOT_FOUND: { code: 'NOT_FOUND', message: 'chunk not held here' },
  ERR_UNSUPPORTED_CID: { code: 'BAD_REQUEST', message: 'not a chunk CID (CIDv1, raw, sha2-256)' },
  ERR_INVALID_CID: { code: 'BAD_REQUEST', message: 'not a chunk CID (CIDv1, raw, sha2-256)' }
}
const INTERNAL: WireError = { code: 'UNKNOWN', message: 'internal error' }

/**
 * The ERR answer for a failure, matched by the error's `.code` string (so this package
 * needs no store import). A ProtocolError answers with its own wire code and reason
 * (the reason describes only the peer's own bytes); anything unknown becomes
 * UNKNOWN / "internal error".
 */
export function toWireError (err: unknown): WireError {
  if (err instanceof ProtocolError) return { code: err.wireCode, message: err.reason }
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  if (typeof code === 'string' && Object.hasOwn(DOMAIN_TO_WIRE, code)) return { ...DOMAIN_TO_WIRE[code] }
  return { ...INTERNAL }
}

/** The error a caller raises for a peer's ERR answer. */
export function fromWireError (response: { id?: number, code: WireErrorCode, message: string }): RemoteError {
  return new RemoteError(response.code, response.message, response.id)
}
