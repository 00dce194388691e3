// What a vault answers to each chunk-protocol request, whatever carried it: a libp2p
// stream (chunk-service.ts) or a direct call over the in-memory network. Every rule a
// vault enforces on a request lives here or in the store it calls: the per-peer request
// rate, space (NoSpaceError), the bytes hashing to their CID (IntegrityError), sizes,
// leases (lease-rules.ts) and the uploader's debt (ledger.ts).
import { createHash } from 'node:crypto'
import { packBitmap, toWireError, createRateLimiter, type RateLimiter, type Request, type Response, type WireError } from '@shoal/protocol'
import { systemClock, type Clock } from '@shoal/runtime'
import { createLedger, type Ledger } from './ledger.js'
import { leaseRules, type LeaseStore } from './lease-rules.js'
import { debugLogger, type NodeLogger } from './logger.js'
import { refusalLog } from './refusals.js'
import { tell, type RequestObserver } from './request-observer.js'

export interface RequestLimits {
  /** token bucket per remote peer, one token per request (default 500) */
  requestBurst: number
  /** tokens per second added back (default 250: a 1 MiB chunk each is far above what one peer serves) */
  requestsPerSecond: number
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { requestBurst: 500, requestsPerSecond: 250 }

export interface RequestHandlerInit {
  store: LeaseStore
  /** the vault's per-peer accounting (default: one on `store` with the default policy) */
  ledger?: Ledger
  limits?: Partial<RequestLimits>
  clock?: Clock
  /** where refusals and failures are reported (default: debug's shoal:node:chunk) */
  logger?: NodeLogger
  /** told of every request answered, refusals included (the daemon's metrics) */
  onRequest?: RequestObserver
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
  const leases = leaseRules(store, init.ledger ?? createLedger(store), clock)

  const bucketOf = (peer: string): RateLimiter => {
    let bucket = buckets.get(peer)
    if (bucket === undefined) {
      bucket = createRateLimiter({ capacity: limits.requestBurst, refillPerSecond: limits.requestsPerSecond, now: clock.now })
      buckets.set(peer, bucket)
    }
    return bucket
  }

  async function answer (request: Request, from: string): Promise<Response> {
    switch (request.type) {
      case 'put': return { type: 'ok', id: request.id, stored: await leases.put(request, from) }
      case 'renew':
        return await leases.renew(request, from) ? { type: 'ok', id: request.id, stored: false } : notHeld(request.id)
      case 'drop':
        return await leases.drop(request) ? { type: 'ok', id: request.id, stored: false } : notHeld(request.id)
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

  async function answerOrRefuse (request: Request, from: string): Promise<Response> {
    if (!bucketOf(from).take()) {
      refusals.rateLimited(from, { burst: limits.requestBurst, perSecond: limits.requestsPerSecond })
      return { type: 'err', id: request.id, code: 'RATE_LIMITED', message: 'too many requests, slow down' }
    }
    try {
      return await answer(request, from)
    } catch (err) {
      const wire = wireErrorOf(err)
      refusals.failed(request, from, wire.code, err)
      return { type: 'err', id: request.id, ...wire }
    }
  }

  return {
    async handle (request, from) {
      const started = clock.now()
      const response = await answerOrRefuse(request, from)
      tell(init.onRequest, request, response, clock.now() - started)
      return response
    },
    forget (peer) { buckets.delete(peer) }
  }
}

// our own refusals carry their reason; anything else goes through the protocol's fixed messages
function wireErrorOf (err: unknown): WireError {
  const e = err as { code?: unknown, wireCode?: unknown, message?: unknown } | null
  if ((e?.code === 'ERR_UNAUTHORIZED' || e?.code === 'ERR_DEBT') && typeof e.wireCode === 'string') {
    return { code: e.wireCode as WireError['code'], message: String(e.message) }
  }
  return toWireError(err)
}

function notHeld (id: number): Response {
  return { type: 'err', id, code: 'NOT_FOUND', message: 'chunk not held here' }
}

/** The answer to AUDIT{cid, nonce}: sha256(nonce ‖ chunk). */
export function auditProof (nonce: Uint8Array, chunk: Uint8Array): Uint8Array {
  return createHash('sha256').update(nonce).update(chunk).digest()
}
