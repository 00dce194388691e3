// Hole punching over a relayed connection (issue 18, docs/nat.md), our own rather than
// @libp2p/dcutr: that one refuses private addresses (all of 198.18.0.0/15, the NAT lab's
// range, counts as private to libp2p) and over TCP needs connects from the listen port
// (SO_REUSEPORT), which Node cannot do. Instead each side picks a fresh local port (a
// port-preserving NAT maps it to the same public port) and both connect from it to the
// other's public IP and port at once: a TCP simultaneous open.
//
// /shoal/punch/1.0.0, on the limited (relayed) connection, as DCUtR times it:
//   initiator → CONNECT { its public IP, its port }; responder → CONNECT { same, its own }
//   initiator measures the round trip, sends SYNC and connects RTT/2 later;
//   the responder connects as SYNC arrives; each retries (hole-punch-timing.ts) to a bound.
// The one TCP connection that results is upgraded by libp2p's upgrader (Noise, yamux):
// the punch's initiator is its inbound side (the Noise and multistream responder), the
// other its outbound side, as DCUtR's spec has the side that sent SYNC answer.
// A public IP comes from identify: what peers on direct connections saw this node's
// connection come from (their `connection.remoteAddr`), or a public listen address.
// libp2p v3 needs Promise.withResolvers, which Node 20 lacks; this entry point may be the first to load libp2p
import './polyfill.js'
import debug from 'debug'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { lpStream } from '@libp2p/utils'
import type { AbortOptions, ComponentLogger, Connection, IdentifyResult, Libp2p, PeerId, Stream, Upgrader } from '@libp2p/interface'
import { systemClock, type Clock } from '@shoal/runtime'
import { PUNCH_PROTOCOL, MAX_PUNCH_MESSAGE_BYTES, decodePunchMessage, encodePunchMessage, PunchMessageError, type PunchMessage } from './hole-punch-messages.js'
import { attemptWithin, initiatorDialDelayMs } from './hole-punch-timing.js'
import { PunchedConnection, connectFrom, freeLocalPort } from './hole-punch-socket.js'
import { isPublicIp } from './reachability.js'
import { RelayedOnlyError } from './errors.js'
import type { NodeLogger } from './logger.js'

const log = debug('shoal:node:punch')

export interface HolePunchOptions {
  /** networks counted as public besides every address libp2p calls public (a lab's 198.18.0.0/16) */
  publicRanges: string[]
  /** bound on a whole punch, from the first message to the upgraded connection (default 6 s) */
  boundMs: number
  /** bound on the connect attempts of one punch (default 4 s: a dropped SYN is sent again after 1 s and 3 s) */
  dialBoundMs: number
  /** pause before connecting again after an attempt failed outright (default 200 ms) */
  retryDelayMs: number
  /** punches answered at once; more are refused (default 4) */
  maxAnswering: number
  clock: Clock
  logger?: NodeLogger
  /** runs identify on a connection (`node.services.identify.identify`): asked when no peer has told this node its public address yet */
  identify?: (connection: Connection, options: AbortOptions) => Promise<Pick<IdentifyResult, 'observedAddr'>>
}

export const DEFAULT_HOLE_PUNCH_OPTIONS: HolePunchOptions = {
  publicRanges: [],
  boundMs: 6_000,
  dialBoundMs: 4_000,
  retryDelayMs: 200,
  maxAnswering: 4,
  clock: systemClock
}

/** Punches this node started, and those it answered; for the metrics. */
export interface HolePunchCounters {
  tried: number
  succeeded: number
  failed: number
  answered: number
}

/** libp2p's parts a punch needs, which only a service is given: `services: { punchParts: holePunchParts }`. */
export interface HolePunchParts {
  upgrader: Upgrader
  logger: ComponentLogger
}

export function holePunchParts (components: HolePunchParts): HolePunchParts {
  return { upgrader: components.upgrader, logger: components.logger }
}

export interface HolePunch {
  /** A direct connection to `peer`: one it already has, or one punched over its relayed connection. Fails with RelayedOnlyError. */
  punch: (peer: PeerId, options?: AbortOptions) => Promise<Connection>
  /** the public IPv4 address this node would give a peer, if it knows one */
  publicIp: () => string | undefined
  readonly counters: Readonly<HolePunchCounters>
  stop: () => Promise<void>
}

type Node = Pick<Libp2p, 'handle' | 'unhandle' | 'getConnections' | 'getMultiaddrs' | 'addEventListener' | 'removeEventListener'>

/** Serves /shoal/punch/1.0.0 and punches on request. */
export async function startHolePunch (node: Node, options: Partial<HolePunchOptions> & { parts: HolePunchParts }): Promise<HolePunch> {
  const opts = { ...DEFAULT_HOLE_PUNCH_OPTIONS, ...options }
  const { parts } = options
  const { clock } = opts
  const counters: HolePunchCounters = { tried: 0, succeeded: 0, failed: 0, answered: 0 }
  const punching = new Map<string, Promise<Connection>>()
  let observedIp: string | undefined
  let answering = 0

  const onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    observe(evt.detail.observedAddr, evt.detail.connection)
  }
  node.addEventListener('peer:identify', onIdentify)

  function observe (address: Multiaddr | undefined, connection: Connection): void {
    if (address === undefined || connection.limits != null) return
    const ip = ipv4Of(address)
    if (ip !== undefined && isPublicIp(ip, opts.publicRanges)) observedIp = ip
  }

  function publicIp (): string | undefined {
    if (observedIp !== undefined) return observedIp
    // a listen address (not a relayed one) on a public IP is what peers see, NAT or not
    return node.getMultiaddrs().filter(a => !a.toString().includes('/p2p-circuit')).map(ipv4Of).find(ip => ip !== undefined && isPublicIp(ip, opts.publicRanges))
  }

  // identify ran before this started (or its answers were private): ask peers on direct connections again
  async function learnPublicIp (signal: AbortSignal): Promise<string | undefined> {
    const known = publicIp()
    if (known !== undefined || opts.identify === undefined) return known
    for (const connection of node.getConnections().filter(c => c.status === 'open' && c.limits == null).slice(0, 3)) {
      const result = await opts.identify(connection, { signal }).catch(() => undefined)
      observe(result?.observedAddr, connection)
      if (observedIp !== undefined) return observedIp
    }
    return undefined
  }

  async function upgrade (socket: Awaited<ReturnType<typeof connectFrom>>, peer: PeerId, to: { ip: string, port: number }, punchInitiator: boolean, signal: AbortSignal): Promise<Connection> {
    const maConn = new PunchedConnection({
      socket,
      remoteAddr: multiaddr(`/ip4/${to.ip}/tcp/${to.port}/p2p/${peer.toString()}`),
      direction: punchInitiator ? 'inbound' : 'outbound',
      log: parts.logger.forComponent('shoal:punch:connection')
    })
    try {
      // upgradeOutbound checks the peer ID in remoteAddr; initiator: false makes it the Noise responder
      return await parts.upgrader.upgradeOutbound(maConn, { signal, initiator: !punchInitiator })
    } catch (err) {
      maConn.abort(err as Error)
      throw err
    }
  }

  async function punchOver (relayed: Connection, peer: PeerId, signal: AbortSignal): Promise<Connection> {
    const ip = await learnPublicIp(signal)
    if (ip === undefined) throw new RelayedOnlyError(peer.toString(), 'this node does not know its public address yet (no peer on a direct connection has identified it)')
    const port = await freeLocalPort()
    const stream = await relayed.newStream(PUNCH_PROTOCOL, { runOnLimitedConnection: true, signal })
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_PUNCH_MESSAGE_BYTES })
      const sent = clock.now()
      await lp.write(encodePunchMessage({ type: 'connect', ip, port }), { signal })
      const answer = decodePunchMessage((await lp.read({ signal })).subarray())
      const rttMs = clock.now() - sent
      if (answer.type === 'refuse') throw new RelayedOnlyError(peer.toString(), `the peer would not punch: ${answer.reason}`)
      if (answer.type !== 'connect') throw new PunchMessageError(`expected connect, got ${answer.type}`)
      await lp.write(encodePunchMessage({ type: 'sync' }), { signal })
      await clock.sleep(initiatorDialDelayMs(rttMs), { signal })
      log('punching to %s at %s:%d from port %d (rtt %d ms)', peer, answer.ip, answer.port, port, rttMs)
      const socket = await attemptWithin(clock, { boundMs: opts.dialBoundMs, retryDelayMs: opts.retryDelayMs }, s => connectFrom(port, answer.ip, answer.port, s), signal)
      return await upgrade(socket, peer, answer, true, signal)
    } finally {
      stream.close({ signal: AbortSignal.timeout(1_000) }).catch(() => { stream.abort(new Error('punch over')) })
    }
  }

  async function punch (peer: PeerId, options: AbortOptions = {}): Promise<Connection> {
    const open = node.getConnections(peer).filter(c => c.status === 'open')
    const direct = open.find(c => c.limits == null)
    if (direct !== undefined) return direct
    const relayed = open[0]
    if (relayed === undefined) throw new RelayedOnlyError(peer.toString(), 'no connection to it to punch over')
    const key = peer.toString()
    const running = punching.get(key)
    if (running !== undefined) return await running
    const attempt = (async () => {
      counters.tried++
      const bound = clock.timeout(opts.boundMs)
      const signal = options.signal === undefined ? bound : AbortSignal.any([bound, options.signal])
      const started = clock.now()
      try {
        const connection = await punchOver(relayed, peer, signal)
        counters.succeeded++
        opts.logger?.info({ peer: key, ms: Math.round(clock.now() - started), address: connection.remoteAddr.toString() }, 'hole punch: direct connection')
        return connection
      } catch (err) {
        counters.failed++
        const reason = err instanceof RelayedOnlyError ? err.reason : signal.aborted && bound.aborted ? `no direct connection within ${opts.boundMs} ms` : (err as Error).message
        opts.logger?.debug({ peer: key, ms: Math.round(clock.now() - started), reason }, 'hole punch failed')
        if (err instanceof RelayedOnlyError) throw err
        options.signal?.throwIfAborted()
        throw new RelayedOnlyError(key, reason, { cause: err })
      }
    })().finally(() => { punching.delete(key) })
    punching.set(key, attempt)
    return await attempt
  }

  async function answer (stream: Stream, connection: Connection): Promise<void> {
    const signal = clock.timeout(opts.boundMs)
    const lp = lpStream(stream, { maxDataLength: MAX_PUNCH_MESSAGE_BYTES })
    const send = async (message: PunchMessage): Promise<void> => { await lp.write(encodePunchMessage(message), { signal }) }
    const peer = connection.remotePeer
    if (answering >= opts.maxAnswering) {
      await send({ type: 'refuse', reason: 'busy' }).catch(() => {})
      await stream.close({ signal }).catch(() => {})
      return
    }
    answering++
    try {
      const request = decodePunchMessage((await lp.read({ signal })).subarray())
      if (request.type !== 'connect') throw new PunchMessageError(`expected connect, got ${request.type}`)
      const ip = await learnPublicIp(signal)
      const refusal = !isPublicIp(request.ip, opts.publicRanges) ? 'your address is not public' : ip === undefined ? 'I do not know my public address' : null
      if (refusal !== null || ip === undefined) {
        await send({ type: 'refuse', reason: refusal ?? '' })
        await stream.close({ signal })
        return
      }
      const port = await freeLocalPort()
      await send({ type: 'connect', ip, port })
      const sync = decodePunchMessage((await lp.read({ signal })).subarray())
      if (sync.type !== 'sync') throw new PunchMessageError(`expected sync, got ${sync.type}`)
      const socket = await attemptWithin(clock, { boundMs: opts.dialBoundMs, retryDelayMs: opts.retryDelayMs }, s => connectFrom(port, request.ip, request.port, s), signal)
      await upgrade(socket, peer, request, false, signal)
      counters.answered++
      await stream.close({ signal }).catch(() => { stream.abort(new Error('punch over')) })
      log('answered a punch from %s: direct connection to %s:%d', peer, request.ip, request.port)
    } catch (err) {
      log('answering a punch from %s failed: %s', peer, (err as Error).message)
      stream.abort(err as Error)
    } finally {
      answering--
    }
  }

  await node.handle(PUNCH_PROTOCOL, async (stream, connection) => { await answer(stream, connection) }, { runOnLimitedConnection: true })

  return {
    punch,
    publicIp,
    counters,
    stop: async () => {
      node.removeEventListener('peer:identify', onIdentify)
      await node.unhandle(PUNCH_PROTOCOL)
    }
  }
}

/** The IPv4 address a /ip4/… multiaddr starts with. */
function ipv4Of (address: Multiaddr): string | undefined {
  const first = address.getComponents()[0]
  return first?.name === 'ip4' ? first.value : undefined
}
