import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { CrossOriginError, UnauthorizedError } from './errors.js'

/**
 * Checks `Authorization: Bearer <token>` in constant time. Both sides are hashed first
 * so the comparison does not leak the token's length either (timingSafeEqual needs
 * equal lengths and would otherwise tell a prober when it got the length right).
 * `orSession` accepts other bearers too: the web dashboard's sessions (ui/sessions.ts).
 * @throws UnauthorizedError
 */
export function checkBearer (req: IncomingMessage, token: string, orSession?: (bearer: string) => boolean): void {
  const header = req.headers.authorization ?? ''
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header)
  const given = createHash('sha256').update(match?.[1] ?? '').digest()
  const wanted = createHash('sha256').update(token).digest()
  if (timingSafeEqual(given, wanted) && match !== null) return
  if (match !== null && orSession?.(match[1]) === true) return
  throw new UnauthorizedError()
}

/**
 * Refuses a request a browser sent from a page of another origin: browsers name it in
 * `Origin` (on every cross-origin fetch, XHR, preflight and form post). No CORS header is
 * ever sent either, so such a page could not read an answer anyway; this refuses before
 * any work is done, for the dashboard's routes that need no bearer too. Clients that are
 * not browsers send no Origin and are not affected.
 * @throws CrossOriginError
 */
export function refuseCrossOrigin (req: IncomingMessage): void {
  const origin = req.headers.origin
  if (origin === undefined) return
  if (req.headers.host === undefined || origin !== `http://${req.headers.host}`) throw new CrossOriginError(origin)
}
