// Small pieces of node:http handling that every route needs.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { entryNameProblem, MAX_REPLICAS, parseCapability, type Capability } from '@shoal/manifest'
import { BadRequestError, BodyTooLargeError, UnsupportedMediaTypeError } from './errors.js'

export function sendJson (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value) + '\n')
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': body.byteLength, 'cache-control': 'no-store' })
  res.end(body)
}

/** Reads a JSON body of at most `limit` bytes; the length is checked before buffering more. */
export async function readJsonBody (req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? 'application/json'
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new UnsupportedMediaTypeError(type, 'application/json')
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) throw new BodyTooLargeError(limit)
  const parts: Buffer[] = []
  let length = 0
  // not destroyed on a too-long body: the connection must stay up to carry the 413
  for await (const part of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    length += part.byteLength
    if (length > limit) throw new BodyTooLargeError(limit)
    parts.push(part)
  }
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8'))
  } catch (err) {
    throw new BadRequestError(`body is not JSON: ${(err as Error).message}`)
  }
}

/** The capability in a path segment: percent-encoded (as clients should send it) or raw. */
export function capabilityFromPath (segment: string): Capability {
  let uri: string
  try {
    uri = decodeURIComponent(segment)
  } catch {
    throw new BadRequestError('the URI in the path is not valid percent-encoding')
  }
  return parseCapability(uri) // InvalidCapabilityError → 400
}

/** An optional file or directory name, checked as the manifest will check it, before any upload. */
export function checkName (value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new BadRequestError(`${field} must be a string`)
  const problem = entryNameProblem(value)
  if (problem !== undefined) throw new BadRequestError(`${field} ${problem}`)
  return value
}

/** Largest permission value a manifest holds (rwx for all, setuid/setgid/sticky). */
const MAX_MODE = 0o7777

/**
 * A file's or directory's mode and mtime (milliseconds since 1970) as a manifest records
 * them, each optional: JSON numbers (see queryNumber for a query string's).
 */
export function metadataFrom (mode: unknown, mtime: unknown, field = ''): { mode?: number, mtime?: number } {
  const out: { mode?: number, mtime?: number } = {}
  const whole = (value: unknown, name: string): number | undefined => {
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new BadRequestError(`${field}${name} must be a whole number, got ${JSON.stringify(value)}`)
    return value
  }
  const m = whole(mode, 'mode')
  if (m !== undefined) {
    if (m < 0 || m > MAX_MODE) throw new BadRequestError(`${field}mode must be from 0 to ${MAX_MODE} (0o7777), got ${m}`)
    out.mode = m
  }
  const t = whole(mtime, 'mtime')
  if (t !== undefined) out.mtime = t
  return out
}

/** A query parameter: its number if it is written as a whole one, else its text (for the error), or undefined. */
export function queryNumber (url: URL, name: string): number | string | undefined {
  const text = url.searchParams.get(name)
  if (text === null) return undefined
  return /^-?\d+$/.test(text) ? Number(text) : text
}

/** `?replicas=` as a whole number from 1 to MAX_REPLICAS (default: the daemon's --replicas). */
export function replicasParam (url: URL, fallback: number): number {
  const text = url.searchParams.get('replicas')
  if (text === null) return fallback
  const replicas = Number(text)
  if (!/^\d+$/.test(text) || replicas < 1 || replicas > MAX_REPLICAS) throw new BadRequestError(`replicas: '${text}' is not a whole number from 1 to ${MAX_REPLICAS}`)
  return replicas
}

/** `?convergence=` user (the daemon's own secret, default) or shared (network-wide dedup). */
export function convergenceParam (url: URL): 'user' | 'shared' {
  const mode = url.searchParams.get('convergence') ?? 'user'
  if (mode !== 'user' && mode !== 'shared') throw new BadRequestError(`convergence: '${mode}' is not one of user, shared`)
  return mode
}

/** `?compress=false` seals chunks without compressing them (default: those that shrink are compressed). */
export function compressParam (url: URL): boolean {
  const text = url.searchParams.get('compress') ?? 'true'
  if (text !== 'true' && text !== 'false') throw new BadRequestError(`compress: '${text}' is not true or false`)
  return text === 'true'
}
