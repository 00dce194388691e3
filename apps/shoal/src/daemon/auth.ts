import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { UnauthorizedError } from './errors.js'

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
