// The token bucket: starts full, refills with time (fake clock), never beyond capacity.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createRateLimiter } from '../src/index.js'

function clock (): { now: () => number, advance: (ms: number) => void } {
  let t = 1000
  return { now: () => t, advance: ms => { t += ms } }
}

test('takes up to capacity, then refuses until refilled', () => {
  const c = clock()
  const limiter = createRateLimiter({ capacity: 3, refillPerSecond: 2, now: c.now })
  assert.is(limiter.capacity, 3)
  assert.is(limiter.refillPerSecond, 2)
  assert.ok(limiter.take())
  assert.ok(limiter.take(2))
  assert.not.ok(limiter.take())
  c.advance(499)
  assert.not.ok(limiter.take())
  c.advance(1)
  assert.ok(limiter.take()) // 0.5 s at 2/s = 1 token
  assert.not.ok(limiter.take())
})

test('a failed take takes nothing; refill stops at capacity', () => {
  const c = clock()
  const limiter = createRateLimiter({ capacity: 10, refillPerSecond: 1, now: c.now })
  assert.not.ok(limiter.take(11))
  assert.is(limiter.available(), 10)
  assert.ok(limiter.take(10))
  c.advance(60_000)
  assert.is(limiter.available(), 10)
  assert.ok(limiter.take(0))
})

test('a clock that goes backwards refills nothing', () => {
  const c = clock()
  const limiter = createRateLimiter({ capacity: 2, refillPerSecond: 1, now: c.now })
  assert.ok(limiter.take(2))
  c.advance(-5000)
  assert.is(limiter.available(), 0)
  c.advance(5000 + 1000) // back to the old time, then 1 s: exactly 1 token
  assert.is(limiter.available(), 1)
})

test('bad arguments are RangeErrors', () => {
  assert.throws(() => createRateLimiter({ capacity: 0, refillPerSecond: 1 }), RangeError)
  assert.throws(() => createRateLimiter({ capacity: 1, refillPerSecond: -1 }), RangeError)
  assert.throws(() => createRateLimiter({ capacity: 1, refillPerSecond: 1 }).take(-1), RangeError)
  assert.throws(() => createRateLimiter({ capacity: 1, refillPerSecond: 1 }).take(NaN), RangeError)
})

test.run()
