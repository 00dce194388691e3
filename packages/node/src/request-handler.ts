// What a vault answers to each chunk-protocol request, whatever carried it: a libp2p
// stream (chunk-service.ts) or a direct call over the in-memory network. Every rule a
// vault enforces on a request lives here or in the store it calls: the per-peer request
// rate, space (NoSpaceError), the bytes hashing to their CID (IntegrityError), sizes.
import { createHash } from 'node:crypto'
import { packBitmap, toWireError, createRateLimiter, type RateLimiter, type Request, type Response } from '@shoal/protocol'
import { systemClock, type Clock } from '@shoal/runtime'
import type { Store } from '@shoal/store'
import { debugLogger, type NodeLogger } from './logger.js'
import { refusalLog } from './refusals.js'

export interface RequestLimits {
  /** token bucket per remote peer, one token per request (default 500) */
  requestBurst: number
  /** tokens per second added back (default 250: a 1 MiB chunk each is far above what one peer serves) */
  requestsPerSecond: number
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { requestBurst: 500, requestsPerSecond: 250 }

export interface RequestHandlerInit {
  store: Pick<Store, 'put' | 'get' | 'has'>
  limits?: Partial<RequestLimits>
  clock?: Clock
  /** where refusals and failures are reported (default: debug's shoal:node:chunk) */
  logger?: NodeLogger
}

export interface RequestHandler {
  /** The answer to `request` from peer `from` (its peer ID as a string). Never throws: failures are ERR answers. */
  handle: (request: Request, from: string) => Promise<Response>
  /** Forgets a peer's rate bucket (it disconnected). */
  forget: (peer: string) => void
}

export function createRequestHandler (init: RequestHandlerInit): RequestHandler {
  const { store } = init
  const limits = { ...DEFAULT_REQUEST_LIMITS, ...init.limits }
  const clock = init.clock ?? systemClock
  const buckets = new Map<string, RateLimiter>()
  const refusals = refusalLog(init.logger ?? debugLogger('shoal:node:chunk'), clock.now)

  const bucketOf = (peer: string): RateLimiter => {
    let bucket = buckets.get(peer)
    if (bucket === undefined) {
      bucket = createRateLimiter({ capacity: limits.requestBurst, refillPerSecond: limits.requestsPerSecond, now: clock.now })
      buckets.set(peer, bucket)
    }
    return bucket
  }

  async function answer (request: Request): Promise<Response> {
    switch (request.type) {
      case 'put': {
        const stored = await store.put(request.cid, request.bytes)
        return { type: 'ok', id: request.id, stored }
      }
      case 'get': {
        const bytes = await store.get(request.cid)
        return bytes === null ? notHeld(request.id) : { type: 'data', id: request.id, bytes }
      }
      case 'has': {
        const held = await Promise.all(request.cids.map(async cid => await store.has(cid)))
        return { type: 'have', id: request.id, bitmap: packBitmap(held) }
      }
      case 'audit': {
        // proof of storage: only a holder of the whole chunk can hash it behind a fresh nonce
        const bytes = await store.get(request.cid)
        return bytes === null ? notHeld(request.id) : { type: 'proof', id: request.id, digest: auditProof(request.nonce, bytes) }
      }
      default:
        return { type: 'err', id: (request as Request).id, code: 'BAD_REQUEST', message: `${(request as Request).type} is not supported by this node` }
    }
  }

  return {
    async handle (request, from) {
      if (!bucketOf(from).take()) {
        refusals.rateLimited(from, { burst: limits.requestBurst, perSecond: limits.requestsPerSecond })
        return { type: 'err', id: request.id, code: 'RATE_LIMITED', message: 'too many requests, slow down' }
      }
      try {
        return await answer(request)
      } catch (err) {
        const wire = toWireError(err)
        refusals.failed(request, from, wire.code, err)
        return { type: 'err', id: request.id, ...wire }
      }
    },
    forget (peer) { buckets.delete(peer) }
  }
}

function notHeld (id: number): Response {
  return { type: 'err', id, code: 'NOT_FOUND', message: 'chunk not held here' }
}

/** The answer to AUDIT{cid, nonce}: sha256(nonce ‖ chunk). */
export function auditProof (nonce: Uint8Array, chunk: Uint8Array): Uint8Array {
  return createHash('sha256').update(nonce).update(chunk).digest()
}
