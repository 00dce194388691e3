// A network of vaults in one process, with no libp2p: each node's chunk client calls the
// other nodes' request handlers directly, on an injected clock, with the latency, loss
// and failures a test asks for. Placement, lookups, the network source and the swarm
// run over it unchanged, through the same ChunkClient and closestPeers a libp2p node
// offers. With a virtual clock and a seeded Random, a run takes the same steps every
// time; `trace` lists every request, so two runs can be compared line by line.
//
// Lookups are answered from the membership (every node that joined and has not left,
// reachable or not, as a routing table holds peers until they fail): an oracle, not an
// iterative Kademlia walk. It costs `lookupMs` on the clock. A membership that models
// routing (`walk`, `local`) answers in its place, as a libp2p node's DHT would.
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Request, Response } from '@shoal/protocol'
import { systemClock, systemRandom, type Clock, type Random } from '@shoal/runtime'
import type { Store } from '@shoal/store'
import { createChunkClient, type ChunkClient } from './chunk-client.js'
import { sortByDistance } from './closest-peers.js'
import { NodeNotStartedError, PeerUnreachableError } from './errors.js'
import { createLeaseSigner, wallTime, type LeaseSigner } from './leases.js'
import { createLedger, type Ledger, type LedgerPolicy } from './ledger.js'
import type { ChunkNetworkNode } from './lookup.js'
import { repairLookups } from './repair-lookups.js'
import { createRequestHandler, type RequestLimits } from './request-handler.js'
import { createRepairer, type Repairer, type RepairerInit, type RepairOptions } from './repair/repairer.js'
import type { ChunkTransport, TransportRequestOptions } from './transport.js'

/** How a node answers a request; `honest` is what its vault would answer. */
export type Behaviour = (request: Request, from: string, honest: (request: Request) => Promise<Response>) => Promise<Response>

export interface MemoryNetworkInit {
  /** default real time; a virtual clock makes runs deterministic */
  clock?: Clock
  /** peer IDs and loss draws (default node:crypto) */
  random?: Random
  /** one-way delay of a message from one node to another, ms (default 0) */
  latencyMs?: (from: string, to: string) => number
  /**
   * How long this message takes from one node to another, ms, in place of `latencyMs`: a
   * network model where size and shared links matter (the simulator's). Asked once per
   * message, when it is sent.
   */
  deliveryMs?: (from: string, to: string, message: Request | Response) => number
  /** answers lookups in place of sorting the whole membership each time (a simulator's index of thousands of vaults) */
  membership?: MembershipIndex
  /** keep `trace` (default true; a long simulation would fill its memory with it) */
  trace?: boolean
  /** chance that a request or its answer is lost: the caller hears nothing until its deadline (default 0) */
  loss?: number
  /** what one closest-peers lookup costs, ms (default 0) */
  lookupMs?: number
  /** each vault's store (it is started by add()) */
  store: (index: number) => Store
  /** per-peer request limits of every vault */
  limits?: Partial<RequestLimits>
  /** every vault runs a repair loop with these options (none without) */
  repair?: MemoryRepairOptions
  /** every vault's debt policy (ledger.ts) */
  ledger?: Partial<LedgerPolicy>
}

/** The vaults that joined and have not left, as lookups see them. */
export interface MembershipIndex {
  add: (peer: PeerId) => void
  remove: (peer: PeerId) => void
  /** up to `count` members XOR-closest to `key`, closest first (as sortByDistance orders them) */
  closest: (key: Uint8Array, count: number) => PeerId[]
  /** a lookup as `from`'s DHT would walk it: what it finds, closest first, and how long that took (in place of `closest` and `lookupMs`) */
  walk?: (from: PeerId, key: Uint8Array, count: number) => { peers: PeerId[], ms: number }
  /**
   * `from`'s routing table alone, itself included, closest first: what a vault's repair loop
   * asks per chunk, walking only when the table knows fewer than `count` (with `walk`, which
   * it then also runs once a tick for the vault's own ID, as a libp2p vault does)
   */
  local?: (from: PeerId, key: Uint8Array, count: number) => PeerId[]
  /** `to` answered a request of `from`: they are in touch, and may file each other */
  contact?: (from: PeerId, to: PeerId) => void
}

export type MemoryRepairOptions = Partial<RepairOptions> & Pick<RepairOptions, 'intervalMs'>

export interface MemoryNode extends ChunkNetworkNode {
  /** a short name for traces: n0, n1, … in the order nodes were added */
  readonly name: string
  /** signs this node's leases and drops with its peer key */
  readonly leases: LeaseSigner
  /** what it stores for each peer and each stores for it (null for a client) */
  readonly ledger: Ledger | null
  /** answers requests and looks things up */
  readonly up: boolean
  /**
   * Stops answering, as a machine that crashed or lost its link: requests to it fail as
   * an unreachable peer, or, `silent`, are never answered (the caller waits for its deadline).
   */
  kill: (options?: { silent?: boolean }) => void
  /** Comes back with what its store holds. */
  revive: () => void
  /** Leaves for good: no lookup lists it any more. */
  leave: () => void
  /** Answers as `behaviour` says from now on (adversarial tests); null restores honesty. */
  behave: (behaviour: Behaviour | null) => void
  /** Its repair loop, when it runs one: started on add() and revive(), stopped on kill() and leave(). */
  readonly repairer: Repairer | undefined
}

export interface MemoryNetwork {
  readonly nodes: MemoryNode[]
  /** A vault (or, `client`, a node that offers no space and no lookups list) joins; `repair` overrides the network's repair options for it (false: none). */
  add: (options?: { client?: boolean, repair?: MemoryRepairOptions | false }) => Promise<MemoryNode>
  /** The node with this peer ID (or name), if it ever joined. */
  node: (peer: PeerId | string) => MemoryNode | undefined
  /** One line per request: when it started and ended (`start-end`, ms), who asked whom what, and how it ended. */
  readonly trace: string[]
  /** Stops every vault's store. */
  stop: () => Promise<void>
}

export function createMemoryNetwork (init: MemoryNetworkInit): MemoryNetwork {
  const clock = init.clock ?? systemClock
  const random = init.random ?? systemRandom
  const latency = init.latencyMs ?? (() => 0)
  const delivery = init.deliveryMs ?? ((from: string, to: string) => latency(from, to))
  const membership = init.membership
  const tracing = init.trace !== false
  const loss = init.loss ?? 0
  const lookupMs = init.lookupMs ?? 0
  const nodes: Node[] = []
  const byId = new Map<string, Node>()
  const trace: string[] = []

  class Node implements MemoryNode {
    readonly chunks: ChunkClient
    readonly id: string
    up = true
    silent = false
    left = false
    behaviour: Behaviour | null = null
    repairer: Repairer | undefined
    readonly ledger: Ledger | null
    private readonly handler

    constructor (readonly peerId: PeerId, readonly name: string, readonly store: Store | null, readonly client: boolean, readonly leases: LeaseSigner) {
      this.id = peerId.toString()
      this.ledger = store === null ? null : createLedger(store, init.ledger)
      this.handler = store === null || this.ledger === null ? null : createRequestHandler({ store, ledger: this.ledger, limits: init.limits, clock })
      const transport: ChunkTransport = { request: async (peer, request, options) => await send(this, peer, request, options) }
      this.chunks = createChunkClient(transport)
    }

    async answer (request: Request, from: string): Promise<Response> {
      const handler = this.handler
      const honest = async (r: Request): Promise<Response> => handler === null
        ? { type: 'err', id: r.id, code: 'BAD_REQUEST', message: 'not a vault' }
        : await handler.handle(r, from)
      return this.behaviour !== null ? await this.behaviour(request, from, honest) : await honest(request)
    }

    async closestPeers (key: Uint8Array, count: number, options: AbortOptions = {}): Promise<PeerId[]> {
      if (!this.up) throw new NodeNotStartedError()
      if (membership?.walk !== undefined) {
        const { peers, ms } = membership.walk(this.peerId, key, count)
        await clock.sleep(ms, options)
        return peers
      }
      // one that takes no time costs no turn of the clock: a simulation makes one per chunk per period
      if (lookupMs > 0) await clock.sleep(lookupMs, options)
      else options.signal?.throwIfAborted()
      if (membership !== undefined) return membership.closest(key, count)
      const members = nodes.filter(n => !n.left && !n.client && (n !== this || this.store !== null)).map(n => n.peerId)
      return sortByDistance(key, members).slice(0, count)
    }

    kill (options: { silent?: boolean } = {}): void {
      this.up = false
      this.silent = options.silent === true
      void this.repairer?.stop()
    }

    revive (): void {
      this.up = true
      this.silent = false
      void this.repairer?.start()
    }

    leave (): void {
      if (!this.left && !this.client) membership?.remove(this.peerId)
      this.left = true
      this.kill()
    }

    behave (behaviour: Behaviour | null): void { this.behaviour = behaviour }
  }

  // One request from `from` to `peer`: out, answered, back, each leg on the clock.
  async function send (from: Node, peer: PeerId, request: Request, options: TransportRequestOptions = {}): Promise<Response> {
    const { signal } = options
    const to = byId.get(peer.toString())
    const started = Math.round(clock.now())
    const line = tracing ? `${from.name}>${to?.name ?? peer.toString()} ${describeRequest(request)}` : ''
    const end = (outcome: () => string): void => { if (tracing) trace.push(`${started}-${Math.round(clock.now())} ${line} ${outcome()}`) }
    try {
      if (!from.up) throw new NodeNotStartedError()
      await clock.sleep(to === undefined ? 0 : delivery(from.id, to.id, request), { signal })
      if (to === undefined || !to.up) {
        if (to?.silent === true) await never(signal)
        throw new PeerUnreachableError(peer.toString())
      }
      if (loss > 0 && random.float() < loss) await never(signal)
      // the wire copies: neither side may see the other's buffers
      // the caller stops waiting at its deadline, however long the holder takes (as a real stream does)
      const response = await Promise.race([to.answer(wireCopy(request), from.id), never(signal)])
      await clock.sleep(delivery(to.id, from.id, response), { signal })
      if (!from.up) throw new NodeNotStartedError()
      if (!to.up && to.silent) await never(signal)
      if (loss > 0 && random.float() < loss) await never(signal)
      const delivered = response.type === 'data' ? { ...response, bytes: copyInto(response.bytes, options.allocate) } : response
      membership?.contact?.(from.peerId, to.peerId)
      end(() => describeResponse(delivered))
      return delivered
    } catch (err) {
      end(() => signal?.aborted === true ? 'aborted' : `failed ${(err as { code?: string }).code ?? (err as Error).name}`)
      throw err
    }
  }

  // as index.ts's startRepair: the table per chunk, a walk for the vault's own ID per tick
  const lookupsOf = (node: Node): Pick<RepairerInit, 'closestPeers' | 'refreshNeighbours'> => {
    const { local, walk } = membership ?? {}
    if (local === undefined || walk === undefined) return { closestPeers: node.closestPeers.bind(node) }
    return repairLookups({
      self: node.peerId,
      local: (key, count) => local(node.peerId, key, count),
      network: async (key, count, options) => await node.closestPeers(key, count, options)
    })
  }

  return {
    get nodes () { return nodes },
    trace,
    async add (options = {}) {
      const index = nodes.length
      const key = await generateKeyPairFromSeed('Ed25519', random.bytes(32))
      const peerId = peerIdFromPrivateKey(key)
      const client = options.client === true
      const store = client ? null : init.store(index)
      await store?.start()
      const node = new Node(peerId, `n${index}`, store, client, createLeaseSigner(key))
      nodes.push(node)
      byId.set(node.id, node)
      if (!client) membership?.add(peerId)
      const repair = options.repair === false ? undefined : options.repair ?? init.repair
      if (store !== null && repair !== undefined) {
        node.repairer = createRepairer({ ...repair, ...lookupsOf(node), self: peerId, store, chunks: node.chunks, clock, random, now: wallTime(clock), released: node.ledger?.released })
        await node.repairer.start()
      }
      return node
    },
    node (peer) {
      const key = peer.toString()
      return byId.get(key) ?? nodes.find(n => n.name === key)
    },
    async stop () {
      await Promise.all(nodes.map(async n => { await n.repairer?.stop() }))
      await Promise.all(nodes.map(async n => { await n.store?.stop() }))
    }
  }
}

/** Waits for the signal (a message that never arrives); without one, forever. */
async function never (signal?: AbortSignal): Promise<never> {
  return await new Promise<never>((_resolve, reject) => {
    signal?.throwIfAborted()
    signal?.addEventListener('abort', () => { reject(signal.reason) }, { once: true })
  })
}

function wireCopy (request: Request): Request {
  return request.type === 'put' ? { ...request, bytes: Uint8Array.from(request.bytes) } : request
}

function copyInto (bytes: Uint8Array, allocate?: (length: number) => Uint8Array): Uint8Array {
  const out = allocate?.(bytes.byteLength).subarray(0, bytes.byteLength) ?? new Uint8Array(bytes.byteLength)
  out.set(bytes)
  return out
}

function describeRequest (request: Request): string {
  switch (request.type) {
    case 'put': return `put ${request.cid.toString()} ${request.bytes.byteLength}B`
    case 'get': return `get ${request.cid.toString()}`
    case 'has': return `has ${request.cids.map(String).join(',')}`
    case 'audit': return `audit ${request.cid.toString()}`
    case 'renew': return `renew ${request.cid.toString()} until ${request.lease.expires}`
    case 'drop': return `drop ${request.cid.toString()}`
  }
}

function describeResponse (response: Response): string {
  switch (response.type) {
    case 'ok': return response.stored === false ? 'ok held' : 'ok stored'
    case 'data': return `data ${response.bytes.byteLength}B`
    case 'have': return `have ${Buffer.from(response.bitmap).toString('hex')}`
    case 'proof': return `proof ${Buffer.from(response.digest).toString('hex').slice(0, 16)}`
    case 'err': return `err ${response.code}`
  }
}
