// Whether peers can dial this node (issue 18, docs/nat.md): what the answers of peers that
// tried to dial it back (reachability-service.ts) add up to, in words a user can act on.
// Pure: the service keeps the answers, this judges them.
import { cidrContains, parseCidr } from '@chainsafe/netmask'
import { isPrivateIp } from '@libp2p/utils'

/**
 * - public: peers dialled this node back on a fresh connection
 * - hole-punching / relayed: behind NAT, reached through a relay, directly after a hole
 *   punch or not at all (not told apart yet: needs circuit relay and DCUtR)
 * - unreachable: peers tried to dial it back and could not
 * - unknown: no peer on a public address has tried yet
 */
export type Reachability = 'public' | 'hole-punching' | 'relayed' | 'unreachable' | 'unknown'

export const REACHABILITY_STATES: readonly Reachability[] = ['public', 'hole-punching', 'relayed', 'unreachable', 'unknown']

export const REACHABILITY_LABELS: Record<Reachability, string> = {
  public: 'public',
  'hole-punching': 'behind NAT, reachable by hole punching',
  relayed: 'behind NAT, relayed only',
  unreachable: 'unreachable',
  unknown: 'unknown'
}

/** One peer's answer to "dial me back". */
export interface DialBackAnswer {
  /** the peer that tried */
  peer: string
  reachable: boolean
  /** the address it dialled (the one it saw us come from, with our listen port) */
  address: string
  /** when the answer came (ms since the epoch) */
  at: number
}

export interface ReachabilityReport {
  state: Reachability
  /** the state in words: "public", "behind NAT, relayed only", … */
  label: string
  /** one line: what it means, and what the user could do */
  hint: string
  /** addresses peers dialled us on */
  addresses: string[]
  /** how many peers' latest answers this is judged on, and how many of them reached us */
  asked: number
  reached: number
}

/**
 * The state the answers add up to: each peer's latest, younger than `maxAgeMs`. Public when
 * at least as many peers reached us as did not (one that did is proof a dial can work; one
 * that did not may have had its own trouble); unreachable when more failed.
 */
export function judgeReachability (answers: DialBackAnswer[], now: number, maxAgeMs: number): ReachabilityReport {
  const latest = new Map<string, DialBackAnswer>()
  for (const a of answers) {
    if (now - a.at > maxAgeMs) continue
    const known = latest.get(a.peer)
    if (known === undefined || known.at <= a.at) latest.set(a.peer, a)
  }
  const fresh = [...latest.values()]
  const reached = fresh.filter(a => a.reachable)
  const addresses = [...new Set(reached.map(a => a.address))].sort()
  const tried = [...new Set(fresh.map(a => a.address))].sort()
  const counts = { asked: fresh.length, reached: reached.length }
  if (fresh.length === 0) {
    return { state: 'unknown', label: REACHABILITY_LABELS.unknown, hint: 'no peer on a public address has tried to dial this node back yet', addresses, ...counts }
  }
  if (reached.length >= fresh.length - reached.length) {
    return { state: 'public', label: REACHABILITY_LABELS.public, hint: `peers can dial this node at ${addresses.join(', ')}`, addresses, ...counts }
  }
  const ports = [...new Set(tried.map(portOf).filter(p => p !== ''))].join(', ')
  return {
    state: 'unreachable',
    label: REACHABILITY_LABELS.unreachable,
    hint: `peers could not dial this node at ${tried.join(', ')}: forward TCP port ${ports} on your router to this computer, or turn on UPnP on the router`,
    addresses,
    ...counts
  }
}

function portOf (address: string): string {
  return /\/tcp\/(\d+)/.exec(address)?.[1] ?? ''
}

/** A --public-ranges value that is not a network like 198.18.0.0/16. */
export class InvalidPublicRangeError extends Error {
  static readonly code = 'ERR_INVALID_PUBLIC_RANGE'
  readonly code = InvalidPublicRangeError.code
  override name = 'InvalidPublicRangeError'
  constructor (readonly range: string) {
    super(`'${range}' is not a network like 198.18.0.0/16`)
  }
}

/** `range` if it is a CIDR network. @throws InvalidPublicRangeError */
export function checkPublicRange (range: string): string {
  try {
    parseCidr(range)
  } catch {
    throw new InvalidPublicRangeError(range)
  }
  if (!range.includes('/')) throw new InvalidPublicRangeError(range)
  return range
}

/**
 * Whether peers elsewhere could dial `ip`: any address libp2p does not call private
 * (@libp2p/utils: RFC 1918, loopback, link-local, and reserved ranges such as
 * 198.18.0.0/15), or one in `publicRanges`, which a lab whose "internet" is a reserved
 * range names.
 */
export function isPublicIp (ip: string, publicRanges: readonly string[]): boolean {
  if (publicRanges.some(range => { try { return cidrContains(range, ip) } catch { return false } })) return true
  return isPrivateIp(ip) === false
}
