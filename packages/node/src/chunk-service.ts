// The /shoal/chunk/1.0.0 and 2.0.0 server on libp2p: reads request frames from a stream,
// in the message schema of the protocol the stream was opened with, and hands each to the
// vault's request handler (request-handler.ts), answering in order on the same stream. Limits that only a stream has live here: concurrent inbound chunk streams
// per peer, the bytes a stream may buffer, and how long it may sit idle.
import debug from 'debug'
import type { Connection, Stream } from '@libp2p/interface'
import {
  decodeRequest, encodeResponseFrame, toWireError, ProtocolError, MAX_FRAME_BYTES, PROTOCOL_ID_V2, PROTOCOL_VERSION, PROTOCOL_VERSION_2,
  type ProtocolVersion, type Request, type Response
} from '@shoal/protocol'
import { readFrames, sendBytes } from './stream-io.js'
import { DEFAULT_REQUEST_LIMITS, type RequestHandler, type RequestLimits } from './request-handler.js'
import { debugLogger, throttle, type NodeLogger } from './logger.js'

const log = debug('shoal:node:chunk')

export interface ChunkServiceLimits extends RequestLimits {
  /** inbound chunk streams open at once from one peer; more are reset (default 8) */
  maxStreamsPerPeer: number
  /** bytes a stream may buffer while we are busy (default 2 frames) */
  maxReadBufferBytes: number
  /** a stream with no traffic this long is aborted (default 30 s) */
  idleTimeoutMs: number
}

export const DEFAULT_CHUNK_LIMITS: ChunkServiceLimits = {
  ...DEFAULT_REQUEST_LIMITS,
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

export function createChunkService (handler: RequestHandler, limits: ChunkServiceLimits, logger: NodeLogger = debugLogger('shoal:node:chunk')): ChunkService {
  const openStreams = new Map<string, number>()
  const once = throttle(() => performance.now())

  async function handle (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const open = openStreams.get(peer) ?? 0
    if (open >= limits.maxStreamsPerPeer) {
      once(peer, suppressed => logger.warn({ peer, open, ...(suppressed > 0 ? { suppressed } : {}) }, 'refused a chunk stream from a peer over its limit of open streams'))
      stream.abort(new TooManyStreamsError(peer, limits.maxStreamsPerPeer))
      return
    }
    openStreams.set(peer, open + 1)
    stream.maxReadBufferLength = limits.maxReadBufferBytes
    stream.inactivityTimeout = limits.idleTimeoutMs
    const version = versionOf(stream.protocol)
    const send = async (response: Response): Promise<void> => {
      await sendBytes(stream, encodeResponseFrame(response, version))
    }
    try {
      for await (const body of readFrames(stream)) {
        let request: Request
        try {
          request = decodeRequest(body, version)
        } catch (err) {
          if (!(err instanceof ProtocolError) || err.id === undefined) throw err
          // answerable, but the peer is broken: answer, then end the stream
          await send({ type: 'err', id: err.id, ...toWireError(err) })
          await closeThenAbort(stream, err)
          return
        }
        await send(await handler.handle(request, peer))
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
    forget: (peer) => { if (!openStreams.has(peer)) handler.forget(peer) }
  }
}

/** The message schema of a stream: that of the protocol it was opened with. */
export function versionOf (protocol: string): ProtocolVersion {
  return protocol === PROTOCOL_ID_V2 ? PROTOCOL_VERSION_2 : PROTOCOL_VERSION
}

// The peer sent a message we answered with an error: let the answer leave, then reset so
// the stream does not wait on a peer that may never close its side.
async function closeThenAbort (stream: Stream, err: Error): Promise<void> {
  try {
    await stream.close({ signal: AbortSignal.timeout(5_000) })
  } catch {}
  stream.abort(err)
}
