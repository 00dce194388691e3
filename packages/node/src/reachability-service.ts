// Dial-back (issue 18, docs/nat.md): a node asks peers to dial it on a fresh connection,
// at the IP they see it come from and the TCP ports it listens on, and judges from their
// answers (reachability.ts) whether it is publicly dialable. This is AutoNAT v1's idea,
// with its safety rule (a peer dials only the address the request came from, so it cannot
// be sent at third parties), done here rather than with @libp2p/autonat because libp2p's
// NAT services count all of 198.18.0.0/15 as private and will not check such addresses,
// while our NAT lab has nothing else; `publicRanges` says which ranges count as public.
import { multiaddr } from '@multiformats/multiaddr'
import { getNetConfig, isLoopback, lpStream } from '@libp2p/utils'
import type { Connection, IdentifyResult, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { checkDialledAddress, isPublicIp, judgePortMapping, witnessed, judgeReachability, type DialBackAnswer, type NatMapping, type PortObservation, type ReachabilityReport } from './reachability.js'
import type { NodeLogger } from './logger.js'

export const DIAL_BACK_PROTOCOL = '/shoal/dial-back/1.0.0'

export interface ReachabilityOptions {
  /** networks counted as public besides every address libp2p calls public (e.g. a lab's 198.18.0.0/16) */
  publicRanges: string[]
  /** how often the node asks again (default 10 minutes); answers older than two periods are forgotten */
  intervalMs: number
  /** how many peers one round asks (default 3) */
  peersPerRound: number
  /** bound on one dial back, and on one whole request (default 5 s and 10 s) */
  dialTimeoutMs: number
  requestTimeoutMs: number
  /** a peer that gave no answer (busy, or the request failed or timed out) is asked again this much later (default 30 s) */
  retryMs: number
}

export const DEFAULT_REACHABILITY_OPTIONS: ReachabilityOptions = {
  publicRanges: [],
  intervalMs: 10 * 60_000,
  peersPerRound: 3,
  dialTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  retryMs: 30_000
}

/** Dial-backs this node does for others at once; more requests are refused, not queued. */
const MAX_DIAL_BACKS = 4
/** Listen ports one request may name. */
const MAX_PORTS = 4
const MAX_MESSAGE_BYTES = 1024

interface DialBackRequest { ports: number[] }
interface DialBackResponse { status: 'ok' | 'failed' | 'refused', address?: string, reason?: string }

export interface ReachabilityService {
  report: () => ReachabilityReport
  /** whether this node's NAT keeps ports, and the IP peers see it at (for hole punching) */
  nat: () => NatMapping
  /** whether this node is behind NAT: peers could not dial it back, or it listens on private addresses only */
  behindNat: () => boolean
  /** whether it has an address peers elsewhere could dial (not whether they can: see report) */
  publicAddress: () => boolean
  /** Called with the report each time the state changes (and once now). */
  onChange: (listener: (report: ReachabilityReport) => void) => void
  /** Judges again (relay slots came or went). */
  refresh: () => void
  /** Forgets the answers and asks peers again now (after a router forwarded a port, say). */
  recheck: () => void
  stop: () => void
}

type Node = Pick<Libp2p, 'handle' | 'dial' | 'getConnections' | 'getMultiaddrs' | 'addEventListener' | 'removeEventListener' | 'peerId'>

/** Port observations kept (the latest per peer counts). */
const MAX_OBSERVATIONS = 64

/**
 * Serves dial-backs and asks connected peers for them. `onReachable` is told of each
 * address a peer reached this node on (to announce it); `relays` says which relay slots
 * this node holds (relay-client.ts).
 */
export async function startReachability (node: Node, options: Partial<ReachabilityOptions>, logger: NodeLogger, onReachable: (address: string) => void = () => {}, relays: () => string[] = () => []): Promise<ReachabilityService> {
  const opts = { ...DEFAULT_REACHABILITY_OPTIONS, ...options }
  const answers: DialBackAnswer[] = []
  const observations: PortObservation[] = []
  const listeners: Array<(report: ReachabilityReport) => void> = []
  const askedAt = new Map<string, number>()
  let dialBacks = 0
  let asking = 0
  let stopped = false
  let lastState = 'unknown'
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  // serving: dial the requester back at the IP its connection comes from, on a new connection
  async function serve (stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(opts.requestTimeoutMs)
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES })
    const answer = async (response: DialBackResponse): Promise<void> => {
      await lp.write(new TextEncoder().encode(JSON.stringify(response)), { signal })
      await stream.close({ signal })
    }
    try {
      const request = JSON.parse(new TextDecoder().decode((await lp.read({ signal })).subarray())) as DialBackRequest
      const ports = Array.isArray(request.ports) ? request.ports.filter(p => Number.isInteger(p) && p > 0 && p < 65536).slice(0, MAX_PORTS) : []
      const refused = whyRefuse(connection, ports)
      if (refused !== null) { await answer({ status: 'refused', reason: refused }); return }
      dialBacks++
      try {
        await answer(await dialBack(connection, ports))
      } finally {
        dialBacks--
      }
    } catch (err) {
      stream.abort(err as Error)
    }
  }

  function whyRefuse (connection: Connection, ports: number[]): string | null {
    if (ports.length === 0) return 'no ports to dial'
    if (connection.limits != null) return 'not over a relayed connection'
    if (dialBacks >= MAX_DIAL_BACKS) return 'busy'
    let host: string
    try {
      host = getNetConfig(connection.remoteAddr).host
    } catch {
      return 'not an IP connection'
    }
    return isPublicIp(host, opts.publicRanges) ? null : `${host} is not a public address`
  }

  async function dialBack (connection: Connection, ports: number[]): Promise<DialBackResponse> {
    const { host, type } = getNetConfig(connection.remoteAddr)
    let reason = ''
    for (const port of ports) {
      const address = `/${type === 'ip6' ? 'ip6' : 'ip4'}/${host}/tcp/${port}`
      try {
        const back = await node.dial(multiaddr(`${address}/p2p/${connection.remotePeer.toString()}`), { force: true, signal: AbortSignal.timeout(opts.dialTimeoutMs) })
        await back.close().catch(() => {})
        return { status: 'ok', address }
      } catch (err) {
        reason = (err as Error).message
      }
    }
    return { status: 'failed', address: `/${type === 'ip6' ? 'ip6' : 'ip4'}/${host}/tcp/${ports[0]}`, reason }
  }

  // asking: a peer answers for the address it sees us at
  async function ask (peer: PeerId): Promise<void> {
    const key = peer.toString()
    const connection = node.getConnections(peer).find(c => c.limits == null && c.status === 'open')
    const ports = listenPorts()
    if (connection === undefined || ports.length === 0) return
    askedAt.set(key, Date.now())
    asking++
    const signal = AbortSignal.timeout(opts.requestTimeoutMs)
    let stream: Stream | undefined
    try {
      stream = await connection.newStream(DIAL_BACK_PROTOCOL, { signal })
      const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES })
      await lp.write(new TextEncoder().encode(JSON.stringify({ ports } satisfies DialBackRequest)), { signal })
      const response = JSON.parse(new TextDecoder().decode((await lp.read({ signal })).subarray())) as DialBackResponse
      await stream.close({ signal }).catch(() => {})
      const address = checkDialledAddress(response.address, ports, opts.publicRanges)
      if (response.status === 'refused' || address === null) {
        logger.debug({ peer: key, reason: response.reason, address: response.address }, 'a peer would not dial this node back, or named an address it cannot have dialled')
        askAgainSoon(key)
        return
      }
      answers.push({ peer: key, reachable: response.status === 'ok', address, at: Date.now() })
      if (response.status === 'ok' && witnessed(answers, address)) onReachable(address)
      if (answers.length > 64) answers.splice(0, answers.length - 64)
      logger.debug({ peer: key, address: response.address, reachable: response.status === 'ok', reason: response.reason }, 'a peer tried to dial this node back')
      tellChange()
    } catch (err) {
      stream?.abort(err as Error)
      logger.debug({ peer: key, err }, 'asking a peer to dial back failed')
      askAgainSoon(key)
    } finally {
      asking--
    }
  }

  // No answer is no news: without this, a node whose first asks all timed out (a loaded
  // machine) would stay `unknown` until the next period, 10 minutes on.
  function askAgainSoon (key: string): void {
    askedAt.set(key, Date.now() - opts.intervalMs + opts.retryMs)
    if (stopped) return
    // one round, after the last of a burst of failures, asks them all again
    clearTimeout(retryTimer)
    retryTimer = setTimeout(() => { retryTimer = undefined; void round().catch(() => {}) }, opts.retryMs)
    retryTimer.unref()
  }

  function listenPorts (): number[] {
    const ports = new Set<number>()
    for (const ma of directAddresses()) {
      try {
        const config = getNetConfig(ma)
        if (config.protocol === 'tcp' && config.port !== undefined) ports.add(config.port)
      } catch {}
    }
    return [...ports].slice(0, MAX_PORTS)
  }

  // a relayed address names the relay's IP, not ours
  const directAddresses = (): ReturnType<Node['getMultiaddrs']> => node.getMultiaddrs().filter(ma => !ma.toString().includes('/p2p-circuit'))

  const publicAddress = (): boolean => directAddresses().some(ma => {
    try { return isPublicIp(getNetConfig(ma).host, opts.publicRanges) } catch { return false }
  })

  // no address of ours a peer elsewhere could dial: a home PC behind its router
  const privateOnly = (): boolean => !onLoopbackOnly() && !publicAddress()

  function nat (): NatMapping {
    return judgePortMapping(observations, Date.now(), 2 * opts.intervalMs, opts.publicRanges)
  }

  function report (): ReachabilityReport {
    return judgeReachability(answers, Date.now(), 2 * opts.intervalMs, { privateOnly: privateOnly(), ports: listenPorts(), relays: relays(), nat: nat() })
  }

  function tellChange (): void {
    const now = report()
    if (now.state === lastState) return
    lastState = now.state
    logger.info({ reachability: now.label, hint: now.hint }, `reachability: ${now.label}`)
    for (const listener of listeners) listener(now)
  }

  // a node on loopback only (a local testnet) is seen on loopback, which no peer dials back
  const onLoopbackOnly = (): boolean => node.getMultiaddrs().filter(ma => !ma.toString().includes('/p2p-circuit')).every(ma => isLoopback(ma))

  // identify on a connection we dialled: the port the peer sees against the one we dialled from
  function observe (result: IdentifyResult): void {
    const { connection, observedAddr } = result
    if (observedAddr === undefined || connection.direction !== 'outbound' || connection.limits != null) return
    const localPort = localPortOf(connection)
    let observed: ReturnType<typeof getNetConfig>
    try { observed = getNetConfig(observedAddr) } catch { return }
    if (localPort === undefined || observed.protocol !== 'tcp' || observed.port === undefined) return
    observations.push({ observer: result.peerId.toString(), localPort, observedIp: observed.host, observedPort: observed.port, at: Date.now() })
    if (observations.length > MAX_OBSERVATIONS) observations.splice(0, observations.length - MAX_OBSERVATIONS)
    logger.debug({ peer: result.peerId.toString(), localPort, observed: observedAddr.toString() }, 'a peer told where it sees this node')
    tellChange()
  }

  // a round asks up to peersPerRound connected peers not asked within the period
  async function round (): Promise<void> {
    if (onLoopbackOnly()) return
    const due = Date.now() - opts.intervalMs
    const fresh = new Set(answers.filter(a => a.at > due).map(a => a.peer))
    const peers = [...new Map(node.getConnections().map(c => [c.remotePeer.toString(), c.remotePeer])).values()]
      .filter(p => !fresh.has(p.toString()) && (askedAt.get(p.toString()) ?? 0) <= due)
    const wanted = Math.max(0, opts.peersPerRound - fresh.size - asking)
    await Promise.all(peers.slice(0, wanted).map(ask))
  }

  // a peer that speaks the protocol is asked as soon as identify says so, while answers are few
  const onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    if (stopped) return
    observe(evt.detail)
    if (!evt.detail.protocols.includes(DIAL_BACK_PROTOCOL)) return
    void round().catch(() => {})
  }

  await node.handle(DIAL_BACK_PROTOCOL, (stream, connection) => { void serve(stream, connection) }, { maxInboundStreams: 1, maxOutboundStreams: 1 })
  node.addEventListener('peer:identify', onIdentify)
  const timer = setInterval(() => { void round().catch(() => {}) }, opts.intervalMs)
  timer.unref()

  return {
    report,
    nat,
    publicAddress,
    behindNat: () => privateOnly() || judgeReachability(answers, Date.now(), 2 * opts.intervalMs).state === 'unreachable',
    onChange: listener => {
      listeners.push(listener)
      listener(report())
    },
    refresh: tellChange,
    recheck: () => {
      answers.length = 0
      askedAt.clear()
      tellChange()
      void round().catch(() => {})
    },
    stop: () => {
      stopped = true
      clearInterval(timer)
      clearTimeout(retryTimer)
      node.removeEventListener('peer:identify', onIdentify)
    }
  }
}

/**
 * The local TCP port of a connection we dialled. libp2p does not expose it: it is read from
 * @libp2p/tcp's socket under the connection (undefined when that is not there).
 */
function localPortOf (connection: Connection): number | undefined {
  const port = (connection as unknown as { maConn?: { socket?: { localPort?: unknown } } }).maConn?.socket?.localPort
  return typeof port === 'number' ? port : undefined
}
