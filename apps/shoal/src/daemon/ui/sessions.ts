// What lets a browser use the API without the API token ever sitting in a URL or in the
// page for long (README, "Web dashboard"):
// - a one-time code, which `shoal ui` gets with the token and prints in a link's fragment
//   (#code=…: browsers never send a fragment, so it lands in no server or proxy log);
// - a session, what the page gets for that code (or for the token typed once) and sends as
//   `Authorization: Bearer` like any client. Kept in the tab's sessionStorage rather than a
//   cookie: a cookie would be ambient authority that every page of the same site (any
//   other port on 127.0.0.1 is the same site) could ride on; a header no other page can add;
// - a download ticket, single-use, so that the browser's own download manager can stream a
//   file to disk with a plain GET (a navigation cannot carry a header).
// All in memory: a daemon restart ends every session, and the page asks again.
import { createHash, randomBytes } from 'node:crypto'

/** How long a printed link works: long enough to paste it into a browser. */
export const CODE_TTL_MS = 2 * 60_000
/** A session not used for this long ends. */
export const SESSION_IDLE_MS = 12 * 60 * 60_000
/** How long a download ticket waits for its GET. */
export const TICKET_TTL_MS = 60_000
/** At most this many of each are kept; past it, the oldest goes. */
const MAX_KEPT = 64

export interface DownloadTicket {
  uri: string
  /** the name the file is saved under */
  filename: string
}

export interface UiSessions {
  /** A fresh one-time code for a link. */
  issueCode: () => string
  /** A new session for a code not used yet and not expired, else null (the code is spent either way). */
  redeemCode: (code: string) => string | null
  /** A new session, for a caller that proved it holds the API token (or a session). */
  issueSession: () => string
  /** Whether a bearer value is a live session (its idle time starts again). */
  isSession: (bearer: string) => boolean
  issueTicket: (ticket: DownloadTicket) => string
  /** The ticket's download, once; null if unknown, spent or expired. */
  redeemTicket: (id: string) => DownloadTicket | null
}

export function createUiSessions (now: () => number = Date.now): UiSessions {
  // keyed by the secret's sha256: a lookup by hash compares no secret byte by byte
  const codes = new Map<string, number>() // → expiry
  const sessions = new Map<string, number>() // → last use
  const tickets = new Map<string, { ticket: DownloadTicket, expires: number }>()

  const add = <T>(map: Map<string, T>, value: T): string => {
    const secret = randomBytes(32).toString('base64url')
    if (map.size >= MAX_KEPT) map.delete(map.keys().next().value as string)
    map.set(digest(secret), value)
    return secret
  }
  const take = <T>(map: Map<string, T>, secret: string): T | undefined => {
    const key = digest(secret)
    const value = map.get(key)
    map.delete(key)
    return value
  }
  const issueSession = (): string => add(sessions, now())

  return {
    issueCode: () => add(codes, now() + CODE_TTL_MS),
    redeemCode (code) {
      const expires = take(codes, code)
      return expires !== undefined && expires > now() ? issueSession() : null
    },
    issueSession,
    isSession (bearer) {
      const key = digest(bearer)
      const used = sessions.get(key)
      if (used === undefined) return false
      if (now() - used > SESSION_IDLE_MS) {
        sessions.delete(key)
        return false
      }
      sessions.set(key, now())
      return true
    },
    issueTicket: ticket => add(tickets, { ticket, expires: now() + TICKET_TTL_MS }),
    redeemTicket (id) {
      const held = take(tickets, id)
      return held !== undefined && held.expires > now() ? held.ticket : null
    }
  }
}

function digest (secret: string): string {
  return createHash('sha256').update(secret).digest('base64url')
}
