// The requesting side of the chunk protocol over any transport (libp2p sessions or the
// in-memory network): answers checked and mapped to typed errors. GET answers are
// verified against their CID before anyone sees them.
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { sha256 } from '@shoal/crypto'
import { fromWireError, unpackBitmap, MAX_HAS_CIDS, type Lease, type RedundancyTarget, type Request, type Response } from '@shoal/protocol'
import type { CID } from 'multiformats/cid'
import { BadResponseError, PeerIntegrityError } from './errors.js'
import type { Drop } from './leases.js'
import type { ChunkTransport } from './transport.js'

export interface GetRequestOptions extends AbortOptions {
  /** check the bytes against the CID here (default true); off only for a caller that verifies them itself */
  verify?: boolean
  /** where the chunk is assembled when it spans several messages (a buffer the caller recycles) */
  allocate?: (length: number) => Uint8Array
}

export interface PutOptions extends AbortOptions {
  /**
   * What the chunk is kept for, and the owners' signed leases (leases.ts): a version 2
   * PUT. Without them, a version 1 PUT (the vault keeps it under a default lease).
   */
  target?: RedundancyTarget
  leases?: Lease[]
}

/** Talks the chunk protocol to other peers. */
export interface ChunkClient {
  /**
   * Stores a chunk on the peer; true if it stored it now, false if it already held it.
   * @throws RemoteError (NO_SPACE, INTEGRITY, TOO_LARGE, RATE_LIMITED, UNAUTHORIZED, DEBT, …), PeerVersionError (leases to a 1.0.0-only peer)
   */
  put: (peer: PeerId, cid: CID, bytes: Uint8Array, options?: PutOptions) => Promise<boolean>
  /** Gives the owner's lease on a chunk a new expiry; false when the peer does not hold the chunk. @throws RemoteError (UNAUTHORIZED, …), PeerVersionError */
  renew: (peer: PeerId, cid: CID, lease: Lease, options?: AbortOptions) => Promise<boolean>
  /** Gives up the owner's leases on a chunk; false when the peer does not hold it. @throws RemoteError (UNAUTHORIZED, …), PeerVersionError */
  drop: (peer: PeerId, cid: CID, drop: Drop, options?: AbortOptions) => Promise<boolean>
  /** The chunk from the peer, verified against its CID, or null if the peer does not hold it. @throws PeerIntegrityError, RemoteError */
  get: (peer: PeerId, cid: CID, options?: GetRequestOptions) => Promise<Uint8Array | null>
  /** The peer's proof that it holds the chunk: sha256(nonce ‖ chunk), or null if it does not hold it (check it with auditProof). */
  audit: (peer: PeerId, cid: CID, nonce: Uint8Array, options?: AbortOptions) => Promise<Uint8Array | null>
  /** Which of the chunks the peer holds (at most MAX_HAS_CIDS). */
  has: (peer: PeerId, cids: CID[], options?: AbortOptions) => Promise<boolean[]>
}

export function createChunkClient (transport: ChunkTransport): ChunkClient {
  const exchange: ChunkTransport['request'] = async (peer, request, options) => await transport.request(peer, request, options)

  const unexpected = (peer: PeerId, response: Response, wanted: string): Error =>
    response.type === 'err' ? fromWireError(response) : new BadResponseError(peer.toString(), `${response.type} where ${wanted} was expected`)

  return {
    async put (peer, cid, bytes, options = {}) {
      const { target, leases, ...rest } = options
      const request: Request = target !== undefined || leases !== undefined
        ? { type: 'put', id: 0, cid, bytes, ...(target !== undefined ? { target } : {}), ...(leases !== undefined ? { leases } : {}) }
        : { type: 'put', id: 0, cid, bytes }
      const response = await exchange(peer, request, rest)
      if (response.type !== 'ok') throw unexpected(peer, response, 'ok')
      return response.stored !== false
    },

    async renew (peer, cid, lease, options = {}) {
      const response = await exchange(peer, { type: 'renew', id: 0, cid, lease }, options)
      if (response.type === 'err' && response.code === 'NOT_FOUND') return false
      if (response.type !== 'ok') throw unexpected(peer, response, 'ok')
      return true
    },

    async drop (peer, cid, drop, options = {}) {
      const response = await exchange(peer, { type: 'drop', id: 0, cid, owner: drop.owner, at: drop.at, signature: drop.signature }, options)
      if (response.type === 'err' && response.code === 'NOT_FOUND') return false
      if (response.type !== 'ok') throw unexpected(peer, response, 'ok')
      return true
    },

    async get (peer, cid, options = {}) {
      const response = await exchange(peer, { type: 'get', id: 0, cid }, options)
      if (response.type === 'err' && response.code === 'NOT_FOUND') return null
      if (response.type !== 'data') throw unexpected(peer, response, 'data')
      if (options.verify !== false && !equalBytes(sha256(response.bytes), cid.multihash.digest)) throw new PeerIntegrityError(peer.toString(), cid.toString())
      return response.bytes
    },

    async audit (peer, cid, nonce, options = {}) {
      const response = await exchange(peer, { type: 'audit', id: 0, cid, nonce }, options)
      if (response.type === 'err' && response.code === 'NOT_FOUND') return null
      if (response.type !== 'proof') throw unexpected(peer, response, 'proof')
      return response.digest
    },

    async has (peer, cids, options = {}) {
      if (cids.length > MAX_HAS_CIDS) throw new RangeError(`at most ${MAX_HAS_CIDS} CIDs per HAS, got ${cids.length}`)
      if (cids.length === 0) return []
      const response = await exchange(peer, { type: 'has', id: 0, cids }, options)
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
