// Repair traffic's own budget: a token bucket of bytes on the injected clock. A take that
// finds too few tokens waits for them (and one larger than the bucket runs it into debt
// that later takes wait off), so repair sends at most `bytesPerSecond` over time whatever
// it is asked to move, and user traffic keeps the rest of the link.
import type { Clock } from '@shoal/runtime'

export interface ByteBucket {
  /** Waits until `bytes` may be sent, then spends them. Rejects with the signal's reason. */
  take: (bytes: number, options?: { signal?: AbortSignal }) => Promise<void>
}

export function createByteBucket (clock: Clock, bytesPerSecond: number, burstBytes = bytesPerSecond): ByteBucket {
  if (!(Number.isFinite(bytesPerSecond) && bytesPerSecond > 0)) throw new RangeError(`bytesPerSecond must be a positive number, got ${bytesPerSecond}`)
  let tokens = burstBytes
  let last = clock.now()
  return {
    async take (bytes, options = {}) {
      options.signal?.throwIfAborted()
      const now = clock.now()
      tokens = Math.min(burstBytes, tokens + Math.max(0, now - last) / 1000 * bytesPerSecond)
      last = Math.max(last, now)
      // spent at once, so takes waiting side by side queue behind each other
      tokens -= bytes
      if (tokens >= 0) return
      try {
        await clock.sleep(-tokens / bytesPerSecond * 1000, options)
      } catch (err) {
        tokens += bytes
        throw err
      }
    }
  }
}
