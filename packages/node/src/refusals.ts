// The log lines of a vault's refusals and failures, one place for all of them: what an
// operator needs (whose request, which chunk, why) at the level it deserves, and at most
// a line a minute per kind and peer, so a flood of refusals stays readable.
import type { Request, WireErrorCode } from '@shoal/protocol'
import { throttle, type NodeLogger } from './logger.js'

export interface Refusals {
  /** A peer's request went past its rate limit. */
  rateLimited: (peer: string, limit: { burst: number, perSecond: number }) => void
  /** A request failed: answered `code` (toWireError of `err`). */
  failed: (request: Request, peer: string, code: WireErrorCode, err: unknown) => void
}

export function refusalLog (logger: NodeLogger, now: () => number): Refusals {
  const once = throttle(now)
  return {
    rateLimited (peer, limit) {
      once(`rate:${peer}`, suppressed => logger.warn({ peer, burst: limit.burst, perSecond: limit.perSecond, ...held(suppressed) }, 'refused requests from a peer over its rate limit'))
    },
    failed (request, peer, code, err) {
      const cid = 'cid' in request ? request.cid.toString() : undefined
      const fields = { peer, request: request.type, ...(cid !== undefined ? { cid } : {}) }
      if (code === 'NO_SPACE') {
        const e = err as { limit?: string, needed?: number, free?: number }
        const why = e.limit === 'disk' ? 'the vault\'s disk is full' : 'the vault is full (its --space)'
        once('space', suppressed => logger.warn({ ...fields, limit: e.limit ?? 'space', needed: e.needed, free: e.free, ...held(suppressed) }, `refused a chunk: ${why}`))
      } else if (code === 'INTEGRITY' && request.type === 'put') {
        once(`integrity:${peer}`, suppressed => logger.warn({ ...fields, ...held(suppressed) }, 'refused a chunk whose bytes do not hash to its CID'))
      } else if (code === 'INTEGRITY') {
        // our own blob failed verification: the store quarantined it, the disk lied
        logger.error(fields, 'a stored chunk is corrupt on disk (quarantined)')
      } else if (code === 'UNKNOWN') {
        once('internal', suppressed => logger.error({ ...fields, err, ...held(suppressed) }, `${request.type} failed: ${(err as Error)?.message ?? String(err)}`))
      } else if (code !== 'NOT_FOUND') {
        once(`bad:${peer}`, suppressed => logger.warn({ ...fields, code, ...held(suppressed) }, `refused a bad request (${code})`))
      }
    }
  }
}

function held (suppressed: number): { suppressed?: number } {
  return suppressed > 0 ? { suppressed } : {}
}
