// Whether peers can dial this node (issue 18, docs/nat.md): what the answers of peers that
// tried to dial it back (reachability-service.ts) add up to, in words a user can act on.
// Pure: the service keeps the answers, this judges them.
import { cidrContains, parseCidr } from '@chainsafe/netmask'
import { isPrivateIp } from '@libp2p/utils'

/**
 * - public: peers dialled this node back on a fresh connection
 * - hole-punching: behind NAT that keeps ports, holding a relay slot: peers find it through
 *   the relay and can then punch a direct connection
 * - relayed: behind NAT that changes ports per connection (symmetric), holding a relay slot:
 *   reachable through the relay only, which carries no chunks
 * - unreachable: behind NAT (peers could not dial it back, or it listens on private
 *   addresses only) and no relay slot
 * - unknown: no peer on a public address has tried yet
 */
export type Reachability = 'public' | 'hole-punching' | 'relayed' | 'unreachable' | 'unknown'

/**
 * Placement by reachability: a vault peers can reach directly, or by a hole punch, is a
 * DHT server, so lookups list it and uploads choose it as a holder; one reachable through
 * relays only, or not at all, is a DHT client and never a holder (relay limits are for
 * setting connections up, not for chunks). `unknown` (e.g. a loopback testnet) serves.
 */
export function dhtModeFor (state: Reachability): 'client' | 'server' {
  return state === 'relayed' || state === 'unreachable' ? 'client' : 'server'
}

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
  /** the /p2p-circuit addresses of the relay slots this node holds (empty unless behind NAT) */
  relays: string[]
  /** what peers see of this node's NAT (judgePortMapping) */
  nat: NatMapping
}

/** How this node's NAT maps ports, from what peers observed of outbound connections. */
export interface NatMapping {
  /**
   * preserving: peers see the connection's own local port (no NAT, or a NAT with
   * endpoint-independent, port-keeping mapping: TCP hole punching can work);
   * changing: they see another port (symmetric NAT: hole punching fails);
   * unknown: fewer than two peers have told
   */
  mapping: 'preserving' | 'changing' | 'unknown'
  /** the IP peers see this node's connections come from, when a public one (null: none yet) */
  publicIp: string | null
  /** peers whose observation this is judged on */
  observers: number
}

/** One peer's identify answer on an outbound connection: where it sees us, and our local port. */
export interface PortObservation {
  observer: string
  localPort: number
  observedIp: string
  observedPort: number
  /** ms since the epoch */
  at: number
}

/** Observers needed to call a mapping preserving or changing. */
export const MIN_PORT_OBSERVERS = 2

/**
 * Each observer's latest observation, younger than `maxAgeMs`: preserving when at least two
 * saw the local port and they are at least as many as those that saw another; changing when
 * at least two saw another port. The public IP is the one most observers on a public address saw.
 */
export function judgePortMapping (observations: PortObservation[], now: number, maxAgeMs: number, publicRanges: readonly string[]): NatMapping {
  const latest = new Map<string, PortObservation>()
  for (const o of observations) {
    if (now - o.at > maxAgeMs) continue
    const known = latest.get(o.observer)
    if (known === undefined || known.at <= o.at) latest.set(o.observer, o)
  }
  const fresh = [...latest.values()]
  const kept = fresh.filter(o => o.observedPort === o.localPort).length
  const changed = fresh.length - kept
  const mapping = kept >= MIN_PORT_OBSERVERS && kept >= changed ? 'preserving' : changed >= MIN_PORT_OBSERVERS ? 'changing' : 'unknown'
  const votes = new Map<string, number>()
  for (const o of fresh) if (isPublicIp(o.observedIp, publicRanges)) votes.set(o.observedIp, (votes.get(o.observedIp) ?? 0) + 1)
  const publicIp = [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null
  return { mapping, publicIp, observers: fresh.length }
}

export const NO_NAT_MAPPING: NatMapping = { mapping: 'unknown', publicIp: null, observers: 0 }

/** What besides dial-back answers the state depends on. */
export interface NatView {
  /** listening on private addresses only (not loopback only): behind a NAT, dial-backs or not */
  privateOnly: boolean
  /** TCP ports this node listens on, for the hint */
  ports: number[]
  relays: string[]
  nat: NatMapping
}

const NO_NAT_VIEW: NatView = { privateOnly: false, ports: [], relays: [], nat: NO_NAT_MAPPING }

/**
 * The state the answers add up to: each peer's latest, younger than `maxAgeMs`. Public when
 * at least as many peers reached us as did not (one that did is proof a dial can work; one
 * that did not may have had its own trouble); unreachable when more failed.
 */
export function judgeReachability (answers: DialBackAnswer[], now: number, maxAgeMs: number, view: NatView = NO_NAT_VIEW): ReachabilityReport {
  const { report: dialBack, tried } = judgeDialBacks(answers, now, maxAgeMs)
  const extra = { relays: view.relays, nat: view.nat }
  // no answer and no relay slot: a LAN, a Docker network or a lab on private addresses, where
  // peers may well dial each other; only a peer's failed dial-back or a slot says NAT
  if (dialBack.state === 'public' || (dialBack.state === 'unknown' && (!view.privateOnly || view.relays.length === 0))) return { ...dialBack, ...extra }
  if (dialBack.state === 'unreachable' && view.relays.length === 0) return { ...dialBack, ...extra }
  // behind NAT: where peers failed, or (no answer yet) that it listens on private addresses
  const where = tried.length > 0 ? `peers could not dial this node at ${tried.join(', ')}` : 'this node listens on private addresses only'
  const ports = tried.length > 0 ? [...new Set(tried.map(portOf).filter(p => p !== ''))].join(', ') : view.ports.join(', ')
  const fix = `forward TCP port ${ports} on your router to this computer, or turn on UPnP on the router`
  if (view.relays.length === 0) {
    return { ...dialBack, state: 'unreachable', label: REACHABILITY_LABELS.unreachable, hint: `${where} and it holds no relay slot: ${fix}`, ...extra }
  }
  const via = `peers reach it through ${view.relays.length === 1 ? 'a relay' : `${view.relays.length} relays`}`
  if (view.nat.mapping === 'preserving') {
    const hint = `${where}; ${via}, then directly by hole punching (the router keeps ports); to be public, ${fix}`
    return { ...dialBack, state: 'hole-punching', label: REACHABILITY_LABELS['hole-punching'], hint, ...extra }
  }
  const why = view.nat.mapping === 'changing' ? 'the router changes ports per connection, so hole punching fails' : 'hole punching is not known to work here'
  const hint = `${where}; ${via} only (${why}) and serves no chunks over them; ${fix}`
  return { ...dialBack, state: 'relayed', label: REACHABILITY_LABELS.relayed, hint, ...extra }
}

type DialBackReport = Omit<ReachabilityReport, 'relays' | 'nat'>

function judgeDialBacks (answers: DialBackAnswer[], now: number, maxAgeMs: number): { report: DialBackReport, tried: string[] } {
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
    return { report: { state: 'unknown', label: REACHABILITY_LABELS.unknown, hint: 'no peer on a public address has tried to dial this node back yet', addresses, ...counts }, tried: [] }
  }
  if (reached.length >= fresh.length - reached.length) {
    return { report: { state: 'public', label: REACHABILITY_LABELS.public, hint: `peers can dial this node at ${addresses.join(', ')}`, addresses, ...counts }, tried }
  }
  const ports = [...new Set(tried.map(portOf).filter(p => p !== ''))].join(', ')
  const report: DialBackReport = {
    state: 'unreachable',
    label: REACHABILITY_LABELS.unreachable,
    hint: `peers could not dial this node at ${tried.join(', ')}: forward TCP port ${ports} on your router to this computer, or turn on UPnP on the router`,
    addresses,
    ...counts
  }
  return { report, tried }
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

const DIALLED_ADDRESS = /^\/(ip4|ip6)\/([0-9a-fA-F.:]+)\/tcp\/(\d{1,5})$/

/**
 * The address a peer says it dialled this node back on, if it could be one: a public IP
 * on one of the ports we asked about. Anything else is a lie or a bug, and is not counted.
 */
export function checkDialledAddress (address: unknown, ports: readonly number[], publicRanges: readonly string[]): string | null {
  if (typeof address !== 'string') return null
  const match = DIALLED_ADDRESS.exec(address)
  if (match === null || !ports.includes(Number(match[3]))) return null
  return isPublicIp(match[2], publicRanges) ? address : null
}

/** Peers that must have reached this node on an address before it is announced: one peer alone could name any address. */
export const MIN_ADDRESS_WITNESSES = 2

/** Whether enough distinct peers reached this node on `address` (among the answers kept). */
export function witnessed (answers: readonly DialBackAnswer[], address: string): boolean {
  return new Set(answers.filter(a => a.reachable && a.address === address).map(a => a.peer)).size >= MIN_ADDRESS_WITNESSES
}
