// A token bucket: `capacity` tokens, refilled continuously at `refillPerSecond`. The node
// keeps one per peer (e.g. requests, or bytes) and answers RATE_LIMITED when take() fails.

export interface RateLimiterInit {
  capacity: number
  refillPerSecond: number
  /** milliseconds, monotonic; default performance.now (inject a fake clock in tests) */
  now?: () => number
}

export interface RateLimiter {
  readonly capacity: number
  readonly refillPerSecond: number
  /** Takes n tokens if that many are available now; otherwise takes none. */
  take: (n?: number) => boolean
  /** Tokens available now. */
  available: () => number
}

export function createRateLimiter (init: RateLimiterInit): RateLimiter {
  const { capacity, refillPerSecond } = init
  if (!(Number.isFinite(capacity) && capacity > 0)) throw new RangeError(`capacity must be a positive number, got ${capacity}`)
  if (!(Number.isFinite(refillPerSecond) && refillPerSecond >= 0)) throw new RangeError(`refillPerSecond must be a non-negative number, got ${refillPerSecond}`)
  const now = init.now ?? (() => performance.now())
  let tokens = capacity
  let last = now()

  const refill = (): void => {
    const t = now()
    // a clock that goes backwards refills nothing rather than draining the bucket
    if (t > last) tokens = Math.min(capacity, tokens + (t - last) / 1000 * refillPerSecond)
    last = Math.max(last, t)
  }

  return {
    capacity,
    refillPerSecond,
    take (n = 1): boolean {
      if (!(Number.isFinite(n) && n >= 0)) throw new RangeError(`take(n) needs a non-negative number, got ${n}`)
      refill()
      if (n > tokens) return false
      tokens -= n
      return true
    },
    available (): number {
      refill()
      return tokens
    }
  }
}
