// The /shoal/chunk/1.0.0 server: reads request frames from a stream and answers each in
// order on the same stream, from the vault store. Per-peer limits: a token bucket of
// requests and a cap on concurrent inbound chunk streams.
import debug from 'debug'
import type { Connection, Stream } from '@libp2p/interface'
import {
  decodeRequest, encodeResponseFrame, packBitmap, toWireError, createRateLimiter,
  ProtocolError, MAX_FRAME_BYTES, type RateLimiter, type Request, type Response
} from '@shoal/protocol'
import type { Store } from '@shoal/store'
import { createHash } from 'node:crypto'
import { readFrames, sendBytes } from './stream-io.js'

const log = debug('shoal:node:chunk')

export interface ChunkServiceLimits {
  /** token bucket per remote peer, one token per request (default 500) */
  requestBurst: number
  /** tokens per second added back (default 250: a 1 MiB chunk each is far above what one peer serves) */
  requestsPerSecond: number
  /** inbound chunk streams open at once from one peer; more are reset (default 8) */
  maxStreamsPerPeer: number
  /** bytes a stream may buffer while we are busy (default 2 frames) */
  maxReadBufferBytes: number
  /** a stream with no traffic this long is aborted (default 30 s) */
  idleTimeoutMs: number
}

export const DEFAULT_CHUNK_LIMITS: ChunkServiceLimits = {
  requestBurst: 500,
  requestsPerSecond: 250,
  maxStreamsPerPeer: 8,
  maxReadBufferBytes: 2 * MAX_FRAME_BYTES,
  idleTimeoutMs: 30_000
}

export class TooManyStreamsError extends Error {
  static readonly code = 'ERR_TOO_MANY_STREAMS'
  readonly code = TooManyStreamsError.code
  override name = 'TooManyStreamsError'
  constructor (readonly peer: string, readonly max: number) {
    super(`peer ${peer} already has ${max} chunk streams open`)
  }
}

export interface ChunkService {
  handle: (stream: Stream, connection: Connection) => Promise<void>
  /** forget a peer's bucket (it disconnected) */
  forget: (peer: string) => void
}

export function createChunkService (store: Pick<Store, 'put' | 'get' | 'has'>, limits: ChunkServiceLimits): ChunkService {
  const buckets = new Map<string, RateLimiter>()
  const openStreams = new Map<string, number>()

  const bucketOf = (peer: string): RateLimiter => {
    let bucket = buckets.get(peer)
    if (bucket === undefined) {
      bucket = createRateLimiter({ capacity: limits.requestBurst, refillPerSecond: limits.requestsPerSecond })
      buckets.set(peer, bucket)
    }
    return bucket
  }

  async function answer (request: Request): Promise<Response> {
    try {
      switch (request.type) {
        case 'put': {
          const stored = await store.put(request.cid, request.bytes)
          return { type: 'ok', id: request.id, stored }
        }
        case 'get': {
          const bytes = await store.get(request.cid)
          return bytes === null
            ? { type: 'err', id: request.id, code: 'NOT_FOUND', message: 'chunk not held here' }
            : { type: 'data', id: request.id, bytes }
        }
        case 'has': {
          const held = await Promise.all(request.cids.map(async cid => await store.has(cid)))
          return { type: 'have', id: request.id, bitmap: packBitmap(held) }
        }
        case 'audit': {
          // proof of storage: only a holder of the whole chunk can hash it behind a fresh nonce
          const bytes = await store.get(request.cid)
          if (bytes === null) return { type: 'err', id: request.id, code: 'NOT_FOUND', message: 'chunk not held here' }
          return { type: 'proof', id: request.id, digest: auditProof(request.nonce, bytes) }
        }
        default:
          return { type: 'err', id: (request as Request).id, code: 'BAD_REQUEST', message: `${(request as Request).type} is not supported by this node` }
      }
    } catch (err) {
      const wire = toWireError(err)
      if (wire.code === 'UNKNOWN') log.extend('error')('%s %d failed: %O', request.type, request.id, err)
      return { type: 'err', id: request.id, ...wire }
    }
  }

  async function handle (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const open = openStreams.get(peer) ?? 0
    if (open >= limits.maxStreamsPerPeer) {
      log('refusing stream from %s: %d open', peer, open)
      stream.abort(new TooManyStreamsError(peer, limits.maxStreamsPerPeer))
      return
    }
    openStreams.set(peer, open + 1)
    stream.maxReadBufferLength = limits.maxReadBufferBytes
    stream.inactivityTimeout = limits.idleTimeoutMs
    const send = async (response: Response): Promise<void> => {
      await sendBytes(stream, encodeResponseFrame(response))
    }
    try {
      const bucket = bucketOf(peer)
      for await (const body of readFrames(stream)) {
        if (!bucket.take()) {
          const id = peekId(body)
          if (id === undefined) throw new ProtocolError('BAD_REQUEST', 'unreadable request')
          await send({ type: 'err', id, code: 'RATE_LIMITED', message: 'too many requests, slow down' })
          continue
        }
        let request: Request
        try {
          request = decodeRequest(body)
        } catch (err) {
          if (!(err instanceof ProtocolError) || err.id === undefined) throw err
          // answerable, but the peer is broken: answer, then end the stream
          await send({ type: 'err', id: err.id, ...toWireError(err) })
          await closeThenAbort(stream, err)
          return
        }
        await send(await answer(request))
      }
      await stream.close({ signal: AbortSignal.timeout(limits.idleTimeoutMs) })
    } catch (err) {
      // bad frames (no id to answer), a reset from the peer, a stream over its buffer
      log('chunk stream from %s ended: %s', peer, (err as Error).message)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    } finally {
      const left = (openStreams.get(peer) ?? 1) - 1
      if (left <= 0) openStreams.delete(peer)
      else openStreams.set(peer, left)
    }
  }

  return {
    handle,
    forget: (peer) => { if (!openStreams.has(peer)) buckets.delete(peer) }
  }
}

// The peer sent a message we answered with an error: let the answer leave, then reset so
// the stream does not wait on a peer that may never close its side.
async function closeThenAbort (stream: Stream, err: Error): Promise<void> {
  try {
    await stream.close({ signal: AbortSignal.timeout(5_000) })
  } catch {}
  stream.abort(err)
}

// The request id of a body, to answer RATE_LIMITED. Decoding is cheap next to serving
// (no store access); a body with no readable id ends the stream.
function peekId (body: Uint8Array): number | undefined {
  try {
    return decodeRequest(body).id
  } catch (err) {
    return err instanceof ProtocolError ? err.id : undefined
  }
}

/** The answer to AUDIT{cid, nonce} (DESIGN.md §3): sha256(nonce ‖ chunk). */
export function auditProof (nonce: Uint8Array, chunk: Uint8Array): Uint8Array {
  return createHash('sha256').update(nonce).update(chunk).digest()
}
