// Pipelined chunk-protocol sessions: a few long-lived streams per peer, each carrying
// many requests back to back. The server answers a stream's requests in order, so the
// answers are matched to a FIFO of waiting requests. This saves a stream open and a
// protocol negotiation per chunk, keeps yamux windows grown across requests, and never
// opens more streams to a peer than its per-peer cap allows.
//
// Streams are dialled with /shoal/chunk/2.0.0 first and 1.0.0 second, and speak the message
// schema of the protocol the peer chose. A request only version 2 has (leases, RENEW, DROP)
// fails with PeerVersionError on a 1.0.0-only peer; a version 1 PUT (no lease) goes on a
// 1.0.0 stream, which every vault serves.
//
// Chunk streams run on direct connections only (issue 18): to a peer whose only connection
// is relayed (limited), a hole punch (hole-punch.ts) comes first, bounded; if it fails, the
// request fails with RelayedOnlyError rather than wait.
import debug from 'debug'
import type { AbortOptions, Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import {
  PROTOCOL_ID, PROTOCOL_ID_V2, PROTOCOL_VERSION, PROTOCOL_VERSION_2, decodeResponse, encodeRequestFrame, type ProtocolVersion, type Request, type Response
} from '@shoal/protocol'
import { versionOf } from './chunk-service.js'
import { BadResponseError, PeerVersionError, RelayedOnlyError } from './errors.js'
import { relayedOnly } from './relay-guard.js'
import { readFrames, sendBytes } from './stream-io.js'
import type { ChunkTransport, TransportRequestOptions } from './transport.js'

const log = debug('shoal:node:sessions')

export interface SessionOptions {
  /** streams kept open to one peer (default 4; a vault accepts 8 per peer) */
  streamsPerPeer: number
  /** a stream with nothing outstanding this long is closed (default 5 s, under the server's 30 s idle cut) */
  idleMs: number
  /** protocols proposed for a new stream, preferred first (default 2.0.0 then 1.0.0) */
  protocols: string[]
  /** a direct connection to a peer reachable only through a relay (HolePunch.punch); without it such a peer fails with RelayedOnlyError */
  punch?: (peer: PeerId, options: AbortOptions) => Promise<Connection>
  /** bound on that punch (default 8 s) */
  punchTimeoutMs: number
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = { streamsPerPeer: 4, idleMs: 5_000, protocols: [PROTOCOL_ID_V2, PROTOCOL_ID], punchTimeoutMs: 8_000 }

interface Pending {
  id: number
  resolve: (response: Response) => void
  reject: (err: unknown) => void
  /** the caller gave up; its answer is read and dropped */
  abandoned: boolean
  /** where a large answer to this request is assembled (the caller recycles it) */
  allocate?: (length: number) => Uint8Array
}

export type SessionRequestOptions = TransportRequestOptions

class Lane {
  readonly queue: Pending[] = []
  private writing: Promise<void> = Promise.resolve()
  private idleTimer: ReturnType<typeof setTimeout> | undefined
  closed = false
  /** the message schema of the protocol the stream was opened with */
  readonly version: ProtocolVersion

  constructor (readonly peer: string, readonly stream: Stream, private readonly idleMs: number, private readonly onClosed: (lane: Lane) => void) {
    this.version = versionOf(stream.protocol)
    void this.read()
    this.armIdle()
  }

  send (pending: Pending, frame: Uint8Array[]): void {
    clearTimeout(this.idleTimer)
    this.queue.push(pending)
    // frames go out whole and in order: each waits for the one before to leave
    this.writing = this.writing.then(async () => {
      if (!this.closed) await sendBytes(this.stream, frame)
    }).catch(err => { this.fail(err) })
  }

  /** The caller of `pending` stopped waiting; when nobody on this lane waits, stop the transfer. */
  abandon (pending: Pending): void {
    pending.abandoned = true
    if (this.queue.every(p => p.abandoned)) this.fail(new Error('every request on this stream was abandoned'))
  }

  private async read (): Promise<void> {
    try {
      // answers come in request order: the one being assembled belongs to the head
      const allocate = (length: number): Uint8Array => this.queue[0]?.allocate?.(length) ?? Buffer.allocUnsafe(length)
      for await (const body of readFrames(this.stream, { allocate })) {
        const head = this.queue.shift()
        let response: Response
        try {
          response = decodeResponse(body, this.version)
        } catch (err) {
          throw new BadResponseError(this.peer, (err as Error).message)
        }
        if (head === undefined) throw new BadResponseError(this.peer, `answer ${response.id} to no request`)
        if (response.id !== head.id) throw new BadResponseError(this.peer, `answer to request ${response.id}, expected ${head.id}`)
        if (!head.abandoned) head.resolve(response)
        if (this.queue.length === 0) this.armIdle()
      }
      this.fail(new BadResponseError(this.peer, 'stream ended before every request was answered'))
    } catch (err) {
      this.fail(err)
    }
  }

  private armIdle (): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => {
      if (this.queue.length > 0 || this.closed) return
      this.closed = true
      this.onClosed(this)
      this.stream.close({ signal: AbortSignal.timeout(this.idleMs) }).catch(() => { this.stream.abort(new Error('idle')) })
    }, this.idleMs)
    this.idleTimer.unref?.()
  }

  fail (err: unknown): void {
    clearTimeout(this.idleTimer)
    const wasClosed = this.closed
    this.closed = true
    if (!wasClosed) this.onClosed(this)
    for (const pending of this.queue.splice(0)) if (!pending.abandoned) pending.reject(err)
    if (this.stream.status === 'open') this.stream.abort(err instanceof Error ? err : new Error(String(err)))
  }
}

/** Requests to peers over pipelined streams. */
export class Sessions implements ChunkTransport {
  private readonly lanes = new Map<string, Lane[]>()
  private readonly opening = new Map<string, Promise<Lane>>()
  private nextId = 1
  /** requests not sent because the peer was reachable through a relay only and no punch gave a direct connection */
  relayedRefusals = 0

  private readonly options: SessionOptions

  constructor (private readonly libp2p: Pick<Libp2p, 'dialProtocol' | 'getConnections'>, options: Partial<SessionOptions> = {}) {
    this.options = { ...DEFAULT_SESSION_OPTIONS, ...options }
  }

  /** Sends `request` (its id is assigned here) and resolves with the peer's answer. */
  async request (peer: PeerId, request: Request, options: SessionRequestOptions = {}): Promise<Response> {
    options.signal?.throwIfAborted()
    const need = versionNeeded(request)
    const lane = await this.laneTo(peer, need, options)
    if (need !== undefined && lane.version !== need) throw new PeerVersionError(peer.toString(), request.type)
    const id = this.id()
    const message: Request = { ...request, id }
    return await new Promise<Response>((resolve, reject) => {
      const onAbort = (): void => {
        lane.abandon(pending)
        reject(options.signal?.reason)
      }
      const pending: Pending = {
        id,
        resolve: (response) => { options.signal?.removeEventListener('abort', onAbort); resolve(response) },
        reject: (err) => { options.signal?.removeEventListener('abort', onAbort); reject(err) },
        abandoned: false,
        allocate: options.allocate
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      if (lane.closed) { pending.reject(new Error('stream closed')); return }
      lane.send(pending, encodeRequestFrame(message, lane.version))
    })
  }

  /** Closes every stream (the node is stopping). */
  closeAll (): void {
    for (const lanes of this.lanes.values()) for (const lane of [...lanes]) lane.fail(new Error('node stopping'))
    this.lanes.clear()
  }

  private id (): number {
    const value = this.nextId
    this.nextId = this.nextId >= 0xffff_ffff ? 1 : this.nextId + 1
    return value
  }

  // The least busy open stream, or a new one while under the per-peer cap and every
  // open stream already has work queued.
  // A version 1 PUT has lanes of its own (1.0.0 only); anything else takes any lane, and a
  // request only version 2 has fails on the 1.0.0 lane a 1.0.0-only peer gives.
  private async laneTo (peer: PeerId, need: ProtocolVersion | undefined, options: AbortOptions): Promise<Lane> {
    const v1Only = need === PROTOCOL_VERSION
    const key = `${v1Only ? '1:' : ''}${peer.toString()}`
    const lanes = (this.lanes.get(key) ?? []).filter(l => !l.closed)
    const idle = lanes.reduce<Lane | undefined>((best, l) => best === undefined || l.queue.length < best.queue.length ? l : best, undefined)
    if (idle !== undefined && (idle.queue.length === 0 || lanes.length >= this.options.streamsPerPeer)) return idle
    let opening = this.opening.get(key)
    if (opening === undefined) {
      opening = this.open(peer, key, v1Only ? [PROTOCOL_ID] : this.options.protocols, options).finally(() => { this.opening.delete(key) })
      this.opening.set(key, opening)
    } else if (idle !== undefined) {
      return idle // one is already being opened: don't wait for it
    }
    return await opening
  }

  private async open (peer: PeerId, key: string, protocols: string[], options: AbortOptions): Promise<Lane> {
    const stream = await this.dialStream(peer, protocols, options)
    const lane = new Lane(peer.toString(), stream, this.options.idleMs, closed => {
      const left = (this.lanes.get(key) ?? []).filter(l => l !== closed)
      if (left.length === 0) this.lanes.delete(key)
      else this.lanes.set(key, left)
    })
    stream.addEventListener('close', (evt) => {
      const error = (evt as Event & { error?: Error }).error
      lane.fail(error ?? new BadResponseError(peer.toString(), 'stream closed'))
    }, { once: true })
    this.lanes.set(key, [...(this.lanes.get(key) ?? []), lane])
    log('opened stream %d to %s', this.lanes.get(key)?.length, key)
    return lane
  }

  // A peer with only relayed connections is punched to first; one that libp2p reached only
  // over a relay while dialling (its addresses are all relayed) is punched to after.
  private async dialStream (peer: PeerId, protocols: string[], options: AbortOptions): Promise<Stream> {
    if (relayedOnly(this.libp2p.getConnections(peer))) return await (await this.punch(peer, options)).newStream(protocols, { signal: options.signal })
    try {
      return await this.libp2p.dialProtocol(peer, protocols, { signal: options.signal })
    } catch (err) {
      if ((err as Error).name !== 'LimitedConnectionError') throw err
      return await (await this.punch(peer, options)).newStream(protocols, { signal: options.signal })
    }
  }

  private async punch (peer: PeerId, options: AbortOptions): Promise<Connection> {
    try {
      return await this.punchOnce(peer, options)
    } catch (err) {
      if (err instanceof RelayedOnlyError) this.relayedRefusals++
      throw err
    }
  }

  private async punchOnce (peer: PeerId, options: AbortOptions): Promise<Connection> {
    if (this.options.punch === undefined) throw new RelayedOnlyError(peer.toString(), 'hole punching is not on')
    const bound = AbortSignal.timeout(this.options.punchTimeoutMs)
    try {
      return await this.options.punch(peer, { signal: options.signal === undefined ? bound : AbortSignal.any([bound, options.signal]) })
    } catch (err) {
      options.signal?.throwIfAborted()
      if (err instanceof RelayedOnlyError) throw err
      throw new RelayedOnlyError(peer.toString(), bound.aborted ? `no direct connection within ${this.options.punchTimeoutMs} ms` : (err as Error).message, { cause: err })
    }
  }
}

/** The version a request must go out in: 2 for leases, RENEW and DROP, 1 for a PUT without them, else either. */
function versionNeeded (request: Request): ProtocolVersion | undefined {
  if (request.type === 'renew' || request.type === 'drop') return PROTOCOL_VERSION_2
  if (request.type === 'put') return request.target !== undefined || request.leases !== undefined ? PROTOCOL_VERSION_2 : PROTOCOL_VERSION
  return undefined
}
