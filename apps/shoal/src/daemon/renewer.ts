// A daemon renews the leases of what it uploaded: every `intervalMs` it renews the uploads
// with less than a third of their lease left, a bounded number per round, one at a time.
import type { NodeLogger } from '@shoal/node'
import type { Upkeep } from '../backend/backend.js'
import type { Uploads } from './uploads.js'

/** Uploads renewed per round at most: a round never takes the node's whole attention. */
const PER_ROUND = 16
/** How often a daemon looks for uploads to renew unless told. */
export const RENEW_INTERVAL_MS = 10 * 60 * 1000

export interface Renewer {
  /** One round now (the timer runs them too). Resolves to the uploads renewed. */
  round: () => Promise<number>
  stop: () => Promise<void>
}

export function startRenewer (init: { uploads: Uploads, renew: Upkeep['renew'], logger: NodeLogger, intervalMs?: number, now?: () => number }): Renewer {
  const now = init.now ?? Date.now
  const controller = new AbortController()
  let running: Promise<number> | null = null

  async function renewDue (): Promise<number> {
    let renewed = 0
    for (const upload of init.uploads.due(now(), PER_ROUND)) {
      if (controller.signal.aborted) break
      const expires = now() + upload.leaseMs
      try {
        const report = await init.renew(upload.uri, { leaseMs: upload.leaseMs, signal: controller.signal })
        if (report.done > 0) {
          await init.uploads.renewed(upload.uri, expires)
          renewed++
        }
        init.logger.info({ blocks: report.done, notFound: report.notFound, failed: report.failed }, `renewed the leases of an upload: ${report.done} blocks renewed, ${report.notFound} not found, ${report.failed} failed`)
      } catch (err) {
        if (controller.signal.aborted) break
        init.logger.warn({ err: (err as Error).message }, `renewing an upload failed: ${(err as Error).message}`)
      }
    }
    return renewed
  }

  const round = async (): Promise<number> => {
    running ??= renewDue().finally(() => { running = null })
    return await running
  }
  const timer = setInterval(() => { void round() }, init.intervalMs ?? RENEW_INTERVAL_MS)
  timer.unref()
  return {
    round,
    async stop () {
      clearInterval(timer)
      controller.abort(new Error('daemon stopping'))
      await running?.catch(() => {})
    }
  }
}
