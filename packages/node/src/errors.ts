import { IntegrityError } from '@shoal/crypto'

/** None of the bootstrap addresses could be dialled within the bootstrap timeout. */
export class BootstrapError extends Error {
  static readonly code = 'ERR_BOOTSTRAP'
  readonly code = BootstrapError.code
  override name = 'BootstrapError'
  constructor (readonly addresses: string[], readonly causes: unknown[]) {
    super(`could not reach any bootstrap peer: ${addresses.map((address, i) => `${address} (${whyNotReached(causes[i])})`).join('; ')}`)
  }
}

/** A dial failure in a few words; the peer-ID mismatch is the one a person can fix. */
export function whyNotReached (cause: unknown): string {
  const message = (cause as Error | undefined)?.message ?? String(cause)
  const mismatch = /identity key (\S+) does not match expected remote identity key (\S+)/.exec(message)
  if (mismatch !== null) return `a peer answered there, but with peer ID ${mismatch[1]}, not ${mismatch[2]}: check the /p2p/ part of the address`
  if ((cause as Error | undefined)?.name === 'AbortError' || (cause as Error | undefined)?.name === 'TimeoutError') return 'no answer in time'
  if (/ECONNREFUSED/.test(message)) return 'connection refused: nothing listens there'
  return message.split('\n')[0]
}

/** libp2p could not listen on one or more of the node's addresses. */
export class ListenError extends Error {
  static readonly code = 'ERR_LISTEN'
  readonly code = ListenError.code
  override name = 'ListenError'
  constructor (readonly failures: Array<{ address: string, reason: string }>) {
    super(`cannot listen on ${failures.map(f => `${f.address}: ${f.reason}`).join('; ')}`)
  }

  /** The addresses and reasons in libp2p's UnsupportedListenAddressesError, or null if `err` is not one. */
  static from (err: unknown): ListenError | null {
    if ((err as Error | undefined)?.name !== 'UnsupportedListenAddressesError') return null
    const failures = [...(err as Error).message.matchAll(/^\s*(\/\S+): \w*Error: (.*)$/gm)].map(([, address, detail]) => ({ address, reason: plainListenReason(detail) }))
    return failures.length > 0 ? new ListenError(failures) : null
  }
}

function plainListenReason (detail: string): string {
  if (detail.includes('EADDRINUSE')) return 'the address is already in use (another program, or another shoal node, listens there)'
  if (detail.includes('EADDRNOTAVAIL')) return 'this machine has no such address'
  if (detail.includes('EACCES')) return 'permission denied (ports below 1024 need privileges)'
  return detail
}

/**
 * A peer sent bytes that do not hash to the CID it was asked for. It is an
 * IntegrityError (same `code`), and says which peer to blame.
 */
export class PeerIntegrityError extends IntegrityError {
  override name = 'PeerIntegrityError'
  constructor (readonly peer: string, readonly cid: string) {
    super(`peer ${peer} sent bytes that do not hash to ${cid}`)
  }
}

/** A peer broke the protocol in its answer (unreadable, wrong id, wrong type, no answer). */
export class BadResponseError extends Error {
  static readonly code = 'ERR_BAD_RESPONSE'
  readonly code = BadResponseError.code
  override name = 'BadResponseError'
  constructor (readonly peer: string, reason: string) {
    super(`bad answer from ${peer}: ${reason}`)
  }
}

/** The node is not started (or is a client, for vault-only operations). */
export class NodeNotStartedError extends Error {
  static readonly code = 'ERR_NODE_NOT_STARTED'
  readonly code = NodeNotStartedError.code
  override name = 'NodeNotStartedError'
  constructor () {
    super('node is not started')
  }
}

/** The peer-key file exists but does not hold a private key; it is never replaced automatically. */
export class InvalidPeerKeyError extends Error {
  static readonly code = 'ERR_INVALID_PEER_KEY'
  readonly code = InvalidPeerKeyError.code
  override name = 'InvalidPeerKeyError'
  constructor (readonly path: string) {
    super(`${path} does not hold a libp2p private key; move it away to make a new identity`)
  }
}

/**
 * Fewer peers than wanted took a chunk: every candidate the DHT offered refused it
 * (full, broken or gone). `stored` peers hold it; the caller decides whether that is enough.
 */
export class InsufficientHoldersError extends Error {
  static readonly code = 'ERR_INSUFFICIENT_HOLDERS'
  readonly code = InsufficientHoldersError.code
  override name = 'InsufficientHoldersError'
  constructor (readonly cid: string, readonly stored: number, readonly wanted: number, readonly causes: unknown[] = []) {
    super(`chunk ${cid} is held by ${stored} of ${wanted} wanted peers: no other peer could take it${summarize(causes)}`)
  }

  /** Every peer that refused was full: the network is out of space for this chunk. */
  get noSpace (): boolean {
    return this.causes.length > 0 && this.causes.every(c => wireCodeOf(c) === 'NO_SPACE')
  }
}

function wireCodeOf (cause: unknown): string | undefined {
  const c = cause as { wireCode?: unknown, code?: unknown } | null
  if (typeof c?.wireCode === 'string') return c.wireCode
  if (c?.code === 'ERR_NO_SPACE') return 'NO_SPACE' // our own full vault
  return undefined
}

// "(4 full, 1 unreachable)": why the other candidates said no, in a few words
function summarize (causes: unknown[]): string {
  if (causes.length === 0) return ''
  const counts = new Map<string, number>()
  for (const cause of causes) {
    const code = wireCodeOf(cause)
    const kind = code === 'NO_SPACE' ? 'full' : code === 'RATE_LIMITED' ? 'busy' : code !== undefined ? `answered ${code}` : 'unreachable or failed'
    counts.set(kind, (counts.get(kind) ?? 0) + 1)
  }
  return ` (${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ')})`
}

/** A peer could not be reached at all (in the in-memory network: it is down or gone). */
export class PeerUnreachableError extends Error {
  static readonly code = 'ERR_PEER_UNREACHABLE'
  readonly code = PeerUnreachableError.code
  override name = 'PeerUnreachableError'
  constructor (readonly peer: string) {
    super(`peer ${peer} cannot be reached`)
  }
}

/**
 * The peers that hold (or should hold) a chunk could not be looked up: the lookup failed or
 * did not end in time. Likely to pass (the network, or our link to it), so a download keeps
 * what it wrote (`interruption`).
 */
export class LookupFailedError extends Error {
  static readonly code = 'ERR_LOOKUP_FAILED'
  readonly code = LookupFailedError.code
  override name = 'LookupFailedError'
  readonly interruption = true
  constructor (readonly cid: string, cause: unknown) {
    super(`could not look up the holders of chunk ${cid}: ${(cause as Error)?.name === 'TimeoutError' ? 'the lookup did not end in time' : (cause as Error)?.message ?? String(cause)}`, { cause })
  }
}

/**
 * A lease or drop was refused: its signature does not verify for its owner, it expired,
 * or its time is too far from ours. The vault answers UNAUTHORIZED with the reason.
 */
export class UnauthorizedError extends Error {
  static readonly code = 'ERR_UNAUTHORIZED'
  readonly code = UnauthorizedError.code
  readonly wireCode = 'UNAUTHORIZED'
  override name = 'UnauthorizedError'
  constructor (readonly reason: string) {
    super(reason)
  }
}

/** The uploader already takes more of this vault than it gives (see ledger.ts). The vault answers DEBT. */
export class DebtError extends Error {
  static readonly code = 'ERR_DEBT'
  readonly code = DebtError.code
  readonly wireCode = 'DEBT'
  override name = 'DebtError'
  constructor (readonly peer: string) {
    super('you store more on this vault than it may take without storing for it in return')
  }
}

/** The request needs /shoal/chunk/2.0.0 (leases, RENEW, DROP) and the peer only speaks 1.0.0. */
export class PeerVersionError extends Error {
  static readonly code = 'ERR_PEER_VERSION'
  readonly code = PeerVersionError.code
  override name = 'PeerVersionError'
  constructor (readonly peer: string, readonly request: string) {
    super(`peer ${peer} speaks only /shoal/chunk/1.0.0 and cannot take a ${request} with leases`)
  }
}

/** A chunk request to a peer reachable only through a relay, when no direct connection could be punched: chunks never cross relays (docs/nat.md). */
export class RelayedOnlyError extends Error {
  static readonly code = 'ERR_RELAYED_ONLY'
  readonly code = RelayedOnlyError.code
  override name = 'RelayedOnlyError'
  constructor (readonly peer: string, readonly reason: string, options?: ErrorOptions) {
    super(`${peer} is reachable only through a relay, and a hole punch to it failed: ${reason}`, options)
  }
}
