// The API's own error conditions, and the one place where any error becomes an HTTP
// status and a JSON body `{ error: { code, message } }`.

/** An error the API answers with a chosen status; its message is safe to send. */
export class ApiError extends Error {
  constructor (readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message)
  }
}

/** No bearer token, or the wrong one. */
export class UnauthorizedError extends ApiError {
  static readonly code = 'ERR_UNAUTHORIZED'
  override name = 'UnauthorizedError'
  constructor () {
    super(401, UnauthorizedError.code, 'missing or wrong bearer token (see api-token in the data dir)', { 'www-authenticate': 'Bearer realm="shoal"' })
  }
}

/** A browser sent the request from a page of another origin (web dashboard: README). */
export class CrossOriginError extends ApiError {
  static readonly code = 'ERR_CROSS_ORIGIN'
  override name = 'CrossOriginError'
  constructor (origin: string) { super(403, CrossOriginError.code, `requests from pages of other origins (${origin.slice(0, 100)}) are refused`) }
}

/** The request names a host other than this machine (a DNS-rebinding page: docs/architecture.md). */
export class ForeignHostError extends ApiError {
  static readonly code = 'ERR_FOREIGN_HOST'
  override name = 'ForeignHostError'
  constructor (host: string) { super(403, ForeignHostError.code, `requests for host ${JSON.stringify(host.slice(0, 100))} are refused: only localhost and this machine's addresses are served`) }
}

/** No route matches the method and path. */
export class RouteNotFoundError extends ApiError {
  static readonly code = 'ERR_NOT_FOUND'
  override name = 'RouteNotFoundError'
  constructor (method: string, path: string) { super(404, RouteNotFoundError.code, `no route ${method} ${path}`) }
}

/** The request's query, headers or body are not what the route takes. */
export class BadRequestError extends ApiError {
  static readonly code = 'ERR_BAD_REQUEST'
  override name = 'BadRequestError'
  constructor (message: string) { super(400, BadRequestError.code, message) }
}

/** A JSON body longer than the route accepts. */
export class BodyTooLargeError extends ApiError {
  static readonly code = 'ERR_BODY_TOO_LARGE'
  override name = 'BodyTooLargeError'
  constructor (limit: number) { super(413, BodyTooLargeError.code, `request body is larger than ${limit} bytes`) }
}

/** A body type the route does not read (multipart forms in particular: upload raw bytes). */
export class UnsupportedMediaTypeError extends ApiError {
  static readonly code = 'ERR_UNSUPPORTED_MEDIA_TYPE'
  override name = 'UnsupportedMediaTypeError'
  constructor (type: string, wanted: string) { super(415, UnsupportedMediaTypeError.code, `content-type ${type} is not accepted here; send ${wanted}`) }
}

/** A Range header none of whose ranges lies inside the file. */
export class RangeNotSatisfiableError extends ApiError {
  static readonly code = 'ERR_RANGE_NOT_SATISFIABLE'
  override name = 'RangeNotSatisfiableError'
  constructor (readonly size: number) {
    super(416, RangeNotSatisfiableError.code, `range not satisfiable: the file has ${size} bytes`, { 'content-range': `bytes */${size}` })
  }
}

// Errors of the packages below, by their stable code: the status they mean to a client.
const STATUS_BY_CODE: Record<string, number> = {
  ERR_INVALID_CAPABILITY: 400,
  ERR_INVALID_CID: 400,
  ERR_INVALID_MANIFEST: 400,
  ERR_CHUNK_NOT_FOUND: 404,
  // fewer than k pieces of a stripe are left anywhere: gone, as a chunk no holder has
  ERR_STRIPE_LOST: 404,
  ERR_WRONG_TYPE: 409,
  ERR_INSUFFICIENT_HOLDERS: 507,
  ERR_NO_SPACE: 507,
  // the network sent bytes that fail verification and nobody sent good ones
  ERR_INTEGRITY: 502,
  ERR_UNSUPPORTED_MANIFEST_VERSION: 422
}

export interface ErrorReply { status: number, headers: Record<string, string>, body: { error: { code: string, message: string } } }

/**
 * What to answer for `err`. Known conditions keep their code and one-line message;
 * anything else is ERR_INTERNAL without details (the server logs it in full), so no
 * stack or internal path reaches a client.
 */
export function errorReply (err: unknown): ErrorReply {
  if (err instanceof ApiError) return reply(err.status, err.code, err.message, err.headers)
  const e = err as { code?: unknown, message?: unknown }
  const code = typeof e?.code === 'string' ? e.code : undefined
  if (code !== undefined && code in STATUS_BY_CODE) {
    const message = typeof e.message === 'string' ? e.message.split('\n')[0] : code
    // every peer that refused was full: say so first, as the CLI does for its own puts
    const full = code === 'ERR_INSUFFICIENT_HOLDERS' && (err as { noSpace?: unknown }).noSpace === true
    return reply(STATUS_BY_CODE[code], code, full ? `not enough space on the network: ${message}` : message)
  }
  return reply(500, 'ERR_INTERNAL', 'internal error (the node\'s log says more)')
}

function reply (status: number, code: string, message: string, headers: Record<string, string> = {}): ErrorReply {
  return { status, headers, body: { error: { code, message } } }
}
