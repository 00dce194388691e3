/**
 * @shoal/node — a Shoal node on libp2p (docs/architecture.md#parts): TCP + Noise + Yamux, identify,
 * ping, kad-dht under /shoal/kad/1.0.0, and the /shoal/chunk/1.0.0 and 2.0.0 protocols
 * served from the vault store. See README.md.
 */
import './polyfill.js'
import { join } from 'node:path'
import debug from 'debug'
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { circuitRelayTransport, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify, identifyPush, type Identify, type IdentifyPush } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { createStore, type Store } from '@shoal/store'
import { PROTOCOL_ID, PROTOCOL_ID_V2, MAX_FRAME_BYTES } from '@shoal/protocol'
import { loadOrCreatePeerKey } from './peer-key.js'
import { createChunkService, DEFAULT_CHUNK_LIMITS, type ChunkServiceLimits } from './chunk-service.js'
import { createRequestHandler } from './request-handler.js'
import type { RequestObserver } from './request-observer.js'
import { createLeaseSigner, type LeaseSigner } from './leases.js'
import { createLedger, type Ledger, type LedgerPolicy } from './ledger.js'
import { createChunkClient, type ChunkClient } from './chunk-client.js'
import { Sessions } from './sessions.js'
import { BootstrapError, ListenError, NodeNotStartedError, whyNotReached } from './errors.js'
import { findClosestPeers, localClosestPeers, routingTableOf } from './closest-peers.js'
import { repairLookups } from './repair-lookups.js'
import { debugLogger, type NodeLogger } from './logger.js'
import { keepJoined, REJOIN_INTERVAL_MS } from './rejoin.js'
import { createRepairer, type Repairer, type RepairOptions } from './repair/repairer.js'
import { systemClock, systemRandom } from '@shoal/runtime'
import { startReachability, type ReachabilityOptions, type ReachabilityService } from './reachability-service.js'
import { dhtModeFor, judgeReachability, NO_NAT_MAPPING, type NatMapping, type ReachabilityReport } from './reachability.js'
import { startUpnp, type UpnpMapper } from './reachability-upnp.js'
import { controlRelayServer, relayServer, type RelayServerControl, type RelayServerStats } from './relay-server.js'
import { createRelayClient } from './relay-client.js'
import { holePunchParts, startHolePunch, type HolePunch, type HolePunchCounters, type HolePunchParts } from './hole-punch.js'
import type { AddressManager, TransportManager } from '@libp2p/interface-internal'

export { BootstrapError, ListenError, PeerIntegrityError, BadResponseError, NodeNotStartedError, InvalidPeerKeyError } from './errors.js'
export { TooManyStreamsError, DEFAULT_CHUNK_LIMITS } from './chunk-service.js'
export { auditProof, createRequestHandler, DEFAULT_REQUEST_LIMITS, type RequestHandler, type RequestHandlerInit, type RequestLimits } from './request-handler.js'
export type { ChunkTransport, TransportRequestOptions } from './transport.js'
export type { ChunkServiceLimits } from './chunk-service.js'
export type { ChunkClient, GetRequestOptions, PutOptions } from './chunk-client.js'
export { createLeaseSigner, signLease, signDrop, verifyLease, verifyDrop, DEFAULT_LEASE_MS, DROP_WINDOW_MS, type LeaseSigner, type Drop } from './leases.js'
export { createLedger, DEFAULT_LEDGER_POLICY, type Ledger, type LedgerPolicy } from './ledger.js'
export { UnauthorizedError, DebtError, PeerVersionError } from './errors.js'
export { RemoteError } from '@shoal/protocol'
export { InsufficientHoldersError, LookupFailedError, PeerUnreachableError } from './errors.js'
export { createMemoryNetwork, type MemoryNetwork, type MemoryNetworkInit, type MemoryNode, type Behaviour } from './memory-network.js'
export { createNetworkSink, HAS_FIRST_ABOVE, type NetworkSink, type NetworkSinkInit, type PlacementNode, type SinkPutOptions } from './placement.js'
export type { StripePiece } from './stripe-placement.js'
export { createNetworkSource, type NetworkSource, type NetworkSourceInit, type SourceNode } from './network-source.js'
export { sortByDistance, chunkKey } from './closest-peers.js'
export { DHT_K, KEPT_CHUNKS, cachedLookup, type PeerLookup, type ChunkNetworkNode, type CachedLookupInit } from './lookup.js'
export type { NodeLogger, LogFn } from './logger.js'
export { DEFAULT_REPAIR_OPTIONS, type Repairer, type RepairOptions } from './repair/repairer.js'
export type { RepairMetrics } from './repair/types.js'
export type { RequestObservation, RequestObserver } from './request-observer.js'
export { REACHABILITY_LABELS, REACHABILITY_STATES, checkPublicRange, InvalidPublicRangeError, type Reachability, type ReachabilityReport, type NatMapping } from './reachability.js'
export { RelayedOnlyError } from './errors.js'
export { RELAY_LIMITS, type RelayServerStats } from './relay-server.js'
export { RELAY_SLOTS } from './relay-client.js'
export { DEFAULT_REACHABILITY_OPTIONS, type ReachabilityOptions } from './reachability-service.js'

const log = debug('shoal:node')

/** The kad-dht protocol prefix: our own DHT, not the public IPFS one. */
export const DHT_PROTOCOL = '/shoal/kad/1.0.0'
/** Extra peers a lookup asks for, so that passing over bad ones still leaves `count`. */
const DHT_BAD_SLACK = 4
/** Yamux stream window: one max-size chunk frame in flight per stream. */
const MAX_STREAM_WINDOW = 4 * 1024 * 1024

export interface NodeInit {
  /** the node's directory: `peer-key`, and `vault/` (the store) unless a client */
  dataDir: string
  /** multiaddrs to listen on, e.g. /ip4/127.0.0.2/tcp/0 */
  listen: string[]
  /** bytes of vault space offered (ignored in client mode) */
  space: number
  /** full multiaddrs (with /p2p/) dialled on start */
  bootstrap?: string[]
  /** a DHT client that offers no space and serves no chunks */
  clientMode?: boolean
  /** how long start() tries the bootstrap peers (default 10 s) */
  bootstrapTimeoutMs?: number
  /** how often a vault that finds itself without peers dials its bootstrap peers again (default 30 s; rejoin.ts) */
  rejoinIntervalMs?: number
  /** per-peer limits of the chunk protocol server */
  limits?: Partial<ChunkServiceLimits>
  /** networks peers may connect from/to without limits (default: loopback only, 127.0.0.0/8) */
  allow?: string[]
  /**
   * Where the operator hears of peers joining and leaving, refused requests, disk errors
   * and bootstrap addresses that did not answer (default: debug's shoal:node, silent
   * unless DEBUG says otherwise)
   */
  logger?: NodeLogger
  /** how much a peer may store here beyond what it stores for us (ledger.ts; --max-debt) */
  ledger?: Partial<LedgerPolicy>
  /**
   * The vault's repair loop (repair/repairer.ts): every `intervalMs` it repairs, hands off,
   * audits, scrubs and collects; false runs none (default: every 10 minutes). Ignored in
   * client mode.
   */
  repair?: NodeRepairOptions | false
  /** told of every chunk-protocol request this vault answers (the daemon's metrics) */
  onRequest?: RequestObserver
  /** libp2p's metrics service (e.g. @libp2p/prometheus-metrics): bytes per protocol, dials, … */
  metrics?: Libp2pOptions['metrics']
  /** how the node finds out whether peers can dial it (reachability-service.ts; docs/nat.md) */
  reachability?: Partial<ReachabilityOptions>
  /** ask a UPnP router to forward the listen port when listening on a private address (default false; `shoal node` turns it on unless --no-upnp) */
  upnp?: boolean
}

export type NodeRepairOptions = Partial<RepairOptions> & Pick<RepairOptions, 'intervalMs'>

/** How often a vault's repair loop runs unless NodeInit.repair says (`shoal node --repair-interval`). */
export const DEFAULT_REPAIR_INTERVAL_MS = 10 * 60_000

type Services = { identify: Identify, identifyPush: IdentifyPush, ping: Ping, dht: KadDHT, addresses: { addressManager: AddressManager, transportManager: TransportManager }, relay?: CircuitRelayService, punchParts: HolePunchParts }

/** Relays as one node sees them (docs/nat.md): `shoal status`, /v1/status and the metrics. */
export interface RelayStatus {
  /** this node's /p2p-circuit addresses: the relay slots it holds (behind NAT only) */
  reservations: string[]
  /** this node's connections that go through a relay, open now */
  relayedConnections: number
  /** chunk requests this node did not send because the peer was reachable through a relay only */
  refusedChunkRequests: number
  /** hole punches this node began, that gave a direct connection, that failed, and that it answered for a peer */
  punches: HolePunchCounters
  /** this vault's own relay (null for a client) */
  server: RelayServerStats | null
}

export interface ShoalNode {
  /** Opens the store, starts libp2p, dials the bootstrap peers. @throws BootstrapError when none answers */
  start: () => Promise<void>
  /** Stops libp2p, then the store. Idempotent. */
  stop: () => Promise<void>
  readonly peerId: PeerId
  /** where peers reach us: /ip4/…/tcp/…/p2p/<peerId> (empty until started) */
  readonly multiaddrs: Multiaddr[]
  /** the chunk protocol towards other peers */
  readonly chunks: ChunkClient
  /** the vault store (null in client mode) */
  readonly store: Store | null
  /** signs this node's leases and drops with its peer key (null before start()); placement uses it */
  readonly leases: LeaseSigner | null
  /** the vault's per-peer ledger, for `shoal status` (null in client mode) */
  readonly ledger: Ledger | null
  /** the vault's repair loop (metrics, drain, bad peers); null in client mode, with repair: false, or before start() */
  readonly repairer: Repairer | null
  /** peers in the DHT routing table (0 before start()) */
  readonly routingTableSize: number
  /** whether peers can dial this node, as their dial-backs say (unknown before start(), and for a client) */
  readonly reachability: ReachabilityReport
  /** whether this node's NAT keeps ports (TCP hole punching can work) and the IP peers see it at */
  readonly nat: NatMapping
  /** relay slots held, relayed connections, chunk requests refused over them, and this vault's own relay */
  readonly relay: RelayStatus
  /** the libp2p node underneath (DHT, peer store, …); throws before start() */
  readonly libp2p: Libp2p<Services>
  /**
   * Up to `count` peers XOR-closest to `key` in the DHT's keyspace (sha256 of the key,
   * as kad-dht does), closest first; this node is among them when it is a vault. Peers
   * the repair loop marked bad (failed audits) are passed over.
   */
  closestPeers: (key: Uint8Array, count: number, options?: AbortOptions) => Promise<PeerId[]>
}

export function createNode (init: NodeInit): ShoalNode {
  return new Node(init)
}

class Node implements ShoalNode {
  readonly store: Store | null
  readonly ledger: Ledger | null
  leases: LeaseSigner | null = null
  repairer: Repairer | null = null
  private stopRejoin: (() => void) | undefined
  private readonly limits: ChunkServiceLimits
  private readonly logger: NodeLogger
  private node: Libp2p<Services> | null = null
  private client: ChunkClient | null = null
  private sessions: Sessions | null = null
  private peer: PeerId | null = null
  private reachabilityService: ReachabilityService | null = null
  private upnp: UpnpMapper | null = null
  private relayServer: RelayServerControl | null = null
  private holePunch: HolePunch | null = null

  constructor (private readonly init: NodeInit) {
    const clientMode = init.clientMode === true
    this.store = clientMode ? null : createStore({ dir: join(init.dataDir, 'vault'), space: init.space })
    this.ledger = this.store === null ? null : createLedger(this.store, init.ledger)
    this.limits = { ...DEFAULT_CHUNK_LIMITS, ...init.limits }
    this.logger = init.logger ?? debugLogger('shoal:node')
  }

  get libp2p (): Libp2p<Services> {
    if (this.node === null) throw new NodeNotStartedError()
    return this.node
  }

  get peerId (): PeerId {
    if (this.peer === null) throw new NodeNotStartedError()
    return this.peer
  }

  get reachability (): ReachabilityReport {
    return this.reachabilityService?.report() ?? judgeReachability([], 0, 0)
  }

  get nat (): NatMapping {
    return this.reachabilityService?.nat() ?? NO_NAT_MAPPING
  }

  get relay (): RelayStatus {
    return {
      reservations: this.reachability.relays,
      relayedConnections: this.node?.getConnections().filter(c => c.limits != null).length ?? 0,
      refusedChunkRequests: this.sessions?.relayedRefusals ?? 0,
      punches: { ...(this.holePunch?.counters ?? { tried: 0, succeeded: 0, failed: 0, answered: 0 }) },
      server: this.relayServer?.stats() ?? null
    }
  }

  get routingTableSize (): number {
    return this.node === null ? 0 : routingTableOf(this.node)?.size ?? 0
  }

  get multiaddrs (): Multiaddr[] {
    return this.node?.getMultiaddrs() ?? []
  }

  get chunks (): ChunkClient {
    if (this.client === null) throw new NodeNotStartedError()
    return this.client
  }

  async closestPeers (key: Uint8Array, count: number, options: AbortOptions = {}): Promise<PeerId[]> {
    const repairer = this.repairer
    if (repairer === null) return await findClosestPeers(this.libp2p, this.store !== null, key, count, options)
    // a bad peer is not chosen for placements, nor asked first for reads
    const found = await findClosestPeers(this.libp2p, this.store !== null, key, count + DHT_BAD_SLACK, options)
    return found.filter(peer => !repairer.isBad(peer)).slice(0, count)
  }

  async start (): Promise<void> {
    if (this.node !== null) return
    const privateKey = await loadOrCreatePeerKey(this.init.dataDir)
    const clientMode = this.init.clientMode === true
    if (this.store !== null) await this.store.start()
    let node: Libp2p<Services> | null = null
    try {
      node = await createLibp2p({
        privateKey,
        start: false,
        ...(this.init.metrics !== undefined ? { metrics: this.init.metrics } : {}),
        addresses: { listen: this.init.listen },
        // every node can dial a relayed address; vaults behind NAT listen on relays (relay-client.ts)
        transports: [tcp(), circuitRelayTransport()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux({
          streamOptions: {
            maxStreamWindowSize: MAX_STREAM_WINDOW,
            // bounds every stream (DHT too); chunk streams tighten it in the handler
            maxReadBufferLength: 2 * MAX_FRAME_BYTES,
            maxWriteBufferLength: 4 * MAX_FRAME_BYTES
          }
        })],
        connectionManager: { allow: this.init.allow ?? ['/ip4/127.0.0.0/ipcidr/8'] },
        services: {
          identify: identify(),
          // peers learn at once when our protocols or addresses change: a vault behind NAT starts as
          // a DHT client and turns server (hole punching, UPnP) on connections already identified
          identifyPush: identifyPush(),
          ping: ping(),
          // initialQuerySelfInterval 0: the first lookup of a node waits for its self-query, which
          // would otherwise start only after a second; allowQueryWithZeroPeers stays off, as its
          // first lookups miss peers (bench/README.md, "DHT self-query")
          // runOnLimitedConnection (patches/@libp2p+kad-dht+16.4.5.md): a vault behind NAT reached by hole punching is found through its relay first
          dht: kadDHT({ protocol: DHT_PROTOCOL, clientMode, peerInfoMapper: passthroughMapper, initialQuerySelfInterval: 0, runOnLimitedConnection: true }),
          // libp2p's address book, which a service alone is given: UPnP forwards and addresses peers dialled back are announced there
          addresses: (components: { addressManager: AddressManager, transportManager: TransportManager }) => ({ addressManager: components.addressManager, transportManager: components.transportManager }),
          // a client relays for nobody; a vault only while public (relay-server.ts)
          ...(clientMode ? {} : { relay: relayServer() }),
          // what hole punching needs of libp2p that only a service is given (its upgrader)
          punchParts: holePunchParts
        }
      }) as Libp2p<Services>
      if (this.store !== null) {
        const handler = createRequestHandler({ store: this.store, ledger: this.ledger ?? undefined, limits: this.limits, logger: this.logger, onRequest: this.init.onRequest })
        const service = createChunkService(handler, this.limits, this.logger)
        // one service for both versions: the per-peer stream cap counts them together
        await node.handle([PROTOCOL_ID_V2, PROTOCOL_ID], service.handle, {
          // our own per-peer cap decides; libp2p's per-connection cap must not undercut it
          maxInboundStreams: this.limits.maxStreamsPerPeer * 2
        })
        node.addEventListener('peer:disconnect', (evt) => { service.forget(evt.detail.toString()) })
      }
      this.reportPeers(node)
      await Promise.resolve(node.start()).catch((err: unknown) => { throw ListenError.from(err) ?? err })
      this.node = node
      this.peer = node.peerId
      this.leases = createLeaseSigner(privateKey)
      // clients too: a client behind NAT fetching from a vault behind another needs it
      const identifier = node.services.identify
      const holePunch = this.holePunch = await startHolePunch(node, {
        parts: node.services.punchParts,
        publicRanges: this.init.reachability?.publicRanges ?? [],
        logger: this.logger,
        identify: async (connection, options) => await identifier.identify(connection, options)
      })
      this.sessions = new Sessions(node, { punch: async (peer, options) => await holePunch.punch(peer, options) })
      this.client = createChunkClient(this.sessions)
      // before the bootstrap dials, so the first peers identified are asked at once
      // a client serves nobody and needs no one to dial it: it neither asks nor answers
      const { addressManager, transportManager } = node.services.addresses
      const relays = createRelayClient(node, transportManager, addressManager, this.logger)
      const reachability = clientMode ? null : await startReachability(node, this.init.reachability ?? {}, this.logger, address => { addressManager.confirmObservedAddr(multiaddr(address)) }, relays.relays)
      this.reachabilityService = reachability
      if (reachability !== null && node.services.relay !== undefined) {
        const server = this.relayServer = await controlRelayServer(node, node.services.relay, this.logger)
        this.followReachability(node, reachability, server, relays)
      }
      if (reachability !== null && this.init.upnp === true) {
        this.upnp = startUpnp(node.getMultiaddrs(), {
          publicRanges: this.init.reachability?.publicRanges ?? [],
          logger: this.logger,
          onMapped: m => {
            addressManager.addPublicAddressMapping(m.internalHost, m.internalPort, m.externalHost, m.externalPort, 'tcp')
            reachability.recheck()
          }
        })
      }
      await this.bootstrap(node)
      if (!clientMode) this.stopRejoin = keepJoined({ libp2p: node, addresses: this.init.bootstrap ?? [], intervalMs: this.init.rejoinIntervalMs ?? REJOIN_INTERVAL_MS, timeoutMs: this.init.bootstrapTimeoutMs ?? 10_000, logger: this.logger })
      await this.startRepair(node)
      log('started %s on %s', node.peerId, node.getMultiaddrs().map(String).join(', '))
    } catch (err) {
      this.node = null
      this.client = null
      await this.holePunch?.stop()
      this.holePunch = null
      this.reachabilityService?.stop()
      this.reachabilityService = null
      await this.upnp?.stop()
      this.upnp = null
      await this.repairer?.stop().catch(() => {})
      this.repairer = null
      await Promise.resolve(node?.stop()).catch(() => {})
      await this.store?.stop().catch(() => {})
      throw err
    }
  }

  // What the reachability state decides: the relay offered while public, relay slots held
  // while behind NAT, and DHT server mode unless reachable through relays only or not at
  // all (peers would route to it, and choose it as holder, in vain).
  private followReachability (node: Libp2p<Services>, reachability: ReachabilityService, server: RelayServerControl, relays: ReturnType<typeof createRelayClient>): void {
    const apply = async (report: ReachabilityReport): Promise<void> => {
      await server.serve(report.state === 'public' || (report.state === 'unknown' && reachability.publicAddress()))
      await relays.reserve(reachability.behindNat())
      const mode = dhtModeFor(report.state)
      if (node.services.dht.getMode() !== mode) {
        await node.services.dht.setMode(mode)
        this.logger.info({ mode }, `DHT: ${mode} mode (${report.label})`)
      }
    }
    // one at a time, in order of the changes
    let applying = Promise.resolve()
    reachability.onChange(report => {
      applying = applying.then(async () => { await apply(report) }).catch(err => { this.logger.warn({ err }, 'reachability: acting on a change failed') })
    })
    // a relay slot taken or lost changes our addresses, and maybe the state
    node.addEventListener('self:peer:update', () => { reachability.refresh() })
  }

  // After the store and libp2p, so its first tick finds both; lookups come from the
  // routing table alone (closest-peers.ts: localClosestPeers), none per chunk, unless the
  // table is thinner than asked (a node just started, e.g. to drain): then the network.
  private async startRepair (node: Libp2p<Services>): Promise<void> {
    const repair = this.init.repair ?? { intervalMs: DEFAULT_REPAIR_INTERVAL_MS }
    if (this.store === null || this.client === null || repair === false) return
    const repairer = createRepairer({
      ...repair,
      self: node.peerId,
      store: this.store,
      chunks: this.client,
      // kad-dht's own refresh is minutes apart; a vault that joined next to our chunks must be seen within a period
      ...repairLookups({
        self: node.peerId,
        local: (key, count) => localClosestPeers(node, true, key, count),
        network: async (key, count, options) => await findClosestPeers(node, true, key, count, options)
      }),
      clock: systemClock,
      random: systemRandom,
      now: Date.now,
      released: this.ledger?.released,
      logger: this.logger
    })
    await repairer.start()
    this.repairer = repairer
  }

  // Each bootstrap address is dialled at once with one deadline. Unreachable ones are
  // logged and skipped; start() fails with BootstrapError only if none answers, so a
  // node never runs believing it joined a network it cannot reach.
  private async bootstrap (node: Libp2p<Services>): Promise<void> {
    const addresses = this.init.bootstrap ?? []
    if (addresses.length === 0) return
    const signal = AbortSignal.timeout(this.init.bootstrapTimeoutMs ?? 10_000)
    const results = await Promise.allSettled(addresses.map(async address => await node.dial(multiaddr(address), { signal })))
    const failures = results.flatMap((r, i) => r.status === 'rejected' ? [{ address: addresses[i], reason: r.reason as unknown }] : [])
    if (failures.length === addresses.length) {
      throw new BootstrapError(addresses, failures.map(f => f.reason))
    }
    // the node runs on the others; the one line of a BootstrapError says it all otherwise
    for (const f of failures) this.logger.warn({ address: f.address, reason: whyNotReached(f.reason) }, 'a bootstrap peer did not answer')
  }

  // Joins and leaves at info; what a peer says of itself (identify) only at debug.
  private reportPeers (node: Libp2p<Services>): void {
    node.addEventListener('peer:connect', evt => { this.logger.info({ peer: evt.detail.toString() }, 'peer joined') })
    node.addEventListener('peer:disconnect', evt => { this.logger.info({ peer: evt.detail.toString() }, 'peer left') })
    node.addEventListener('peer:identify', evt => {
      const { peerId, listenAddrs, agentVersion } = evt.detail
      this.logger.debug({ peer: peerId.toString(), addresses: listenAddrs.map(String), agent: agentVersion }, 'peer identified')
    })
  }

  async stop (): Promise<void> {
    this.stopRejoin?.()
    this.stopRejoin = undefined
    // before libp2p and the store: a tick in progress is aborted and waited for
    await this.repairer?.stop()
    this.reachabilityService?.stop()
    this.reachabilityService = null
    this.relayServer = null
    await this.upnp?.stop()
    this.upnp = null
    const node = this.node
    this.node = null
    this.client = null
    this.sessions?.closeAll()
    this.sessions = null
    await this.holePunch?.stop()
    this.holePunch = null
    if (node !== null) await node.stop()
    if (this.store !== null) await this.store.stop()
  }
}
