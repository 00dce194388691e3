// The requesting side of /shoal/chunk/1.0.0: one stream per call, answers checked and
// mapped to typed errors. GET answers are verified against their CID before anyone sees them.
import type { Libp2p, PeerId } from '@libp2p/interface'
import { sha256 } from '@shoal/crypto'
import {
  PROTOCOL_ID, decodeResponse, encodeFrame, encodeRequest, fromWireError, unpackBitmap,
  MAX_HAS_CIDS, type Request, type Response
} from '@shoal/protocol'
import type { CID } from 'multiformats/cid'
import { BadResponseError, PeerIntegrityError } from './errors.js'
import { readFrames, sendBytes } from './stream-io.js'

export interface RequestOptions { signal?: AbortSignal }

/** Talks the chunk protocol to other peers. */
export interface ChunkClient {
  /** Stores a chunk on the peer; true if it stored it now, false if it already held it. @throws RemoteError (NO_SPACE, INTEGRITY, TOO_LARGE, RATE_LIMITED, …) */
  put: (peer: PeerId, cid: CID, bytes: Uint8Array, options?: RequestOptions) => Promise<boolean>
  /** The chunk from the peer, verified against its CID, or null if the peer does not hold it. @throws PeerIntegrityError, RemoteError */
  get: (peer: PeerId, cid: CID, options?: RequestOptions) => Promise<Uint8Array | null>
  /** Which of the chunks the peer holds (at most MAX_HAS_CIDS). */
  has: (peer: PeerId, cids: CID[], options?: RequestOptions) => Promise<boolean[]>
}

export function createChunkClient (libp2p: Pick<Libp2p, 'dialProtocol'>): ChunkClient {
  let nextId = 1

  async function exchange (peer: PeerId, request: Request, options: RequestOptions): Promise<Response> {
    const stream = await libp2p.dialProtocol(peer, PROTOCOL_ID, { signal: options.signal })
    const onAbort = (): void => { stream.abort(options.signal?.reason ?? new Error('aborted')) }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      await sendBytes(stream, encodeFrame(encodeRequest(request)), options)
      await stream.close(options) // half-close: our side is done, the answer still comes
      for await (const body of readFrames(stream)) {
        let response: Response
        try {
          response = decodeResponse(body)
        } catch (err) {
          throw new BadResponseError(peer.toString(), (err as Error).message)
        }
        if (response.id !== request.id) throw new BadResponseError(peer.toString(), `answer to request ${response.id}, expected ${request.id}`)
        return response
      }
      options.signal?.throwIfAborted()
      throw new BadResponseError(peer.toString(), 'stream ended without an answer')
    } catch (err) {
      stream.abort(err as Error)
      throw err
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
    }
  }

  const id = (): number => {
    const value = nextId
    nextId = nextId >= 0xffff_ffff ? 1 : nextId + 1
    return value
  }

  const unexpected = (peer: PeerId, response: Response, wanted: string): Error =>
    response.type === 'err' ? fromWireError(response) : new BadResponseError(peer.toString(), `${response.type} where ${wanted} was expected`)

  return {
    async put (peer, cid, bytes, options = {}) {
      const response = await exchange(peer, { type: 'put', id: id(), cid, bytes }, options)
      if (response.type !== 'ok') throw unexpected(peer, response, 'ok')
      return response.stored !== false
    },

    async get (peer, cid, options = {}) {
      const response = await exchange(peer, { type: 'get', id: id(), cid }, options)
      if (response.type === 'err' && response.code === 'NOT_FOUND') return null
      if (response.type !== 'data') throw unexpected(peer, response, 'data')
      if (!equalBytes(sha256(response.bytes), cid.multihash.digest)) throw new PeerIntegrityError(peer.toString(), cid.toString())
      return response.bytes
    },

    async has (peer, cids, options = {}) {
      if (cids.length > MAX_HAS_CIDS) throw new RangeError(`at most ${MAX_HAS_CIDS} CIDs per HAS, got ${cids.length}`)
      if (cids.length === 0) return []
      const response = await exchange(peer, { type: 'has', id: id(), cids }, options)
      if (response.type !== 'have') throw unexpected(peer, response, 'have')
      try {
        return unpackBitmap(response.bitmap, cids.length)
      } catch (err) {
        throw new BadResponseError(peer.toString(), (err as Error).message)
      }
    }
  }
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
