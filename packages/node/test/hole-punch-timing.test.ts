// When the two sides of a hole punch connect, and how the attempts are bounded, on a
// virtual clock: the initiator waits half the round trip; an attempt left hanging (SYNs
// dropped) is cut at the bound; attempts that fail outright are retried until the bound,
// never past it; the caller's signal ends it at once.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createVirtualClock } from '@shoal/runtime'
import { AttemptsExhaustedError, attemptWithin, initiatorDialDelayMs } from '../src/hole-punch-timing.js'

const SCHEDULE = { boundMs: 4_000, retryDelayMs: 200 }

test('the initiator dials half the measured round trip after SYNC', () => {
  assert.is(initiatorDialDelayMs(80), 40)
  assert.is(initiatorDialDelayMs(3), 2)
  assert.is(initiatorDialDelayMs(0), 0)
  assert.is(initiatorDialDelayMs(-5), 0)
  assert.is(initiatorDialDelayMs(Number.NaN), 0)
})

test('an attempt that succeeds is the answer, with no retry', async () => {
  const clock = createVirtualClock()
  let attempts = 0
  const got = await clock.run(async () => await attemptWithin(clock, SCHEDULE, async () => { attempts++; await clock.sleep(30); return 'socket' }))
  assert.is(got, 'socket')
  assert.is(attempts, 1)
  assert.is(clock.now(), 30)
})

test('attempts that fail outright are retried after the delay, until one succeeds', async () => {
  const clock = createVirtualClock()
  const started: number[] = []
  const got = await clock.run(async () => await attemptWithin(clock, SCHEDULE, async (_signal, n) => {
    started.push(clock.now())
    await clock.sleep(10)
    if (n < 3) throw new Error('ECONNREFUSED')
    return n
  }))
  assert.is(got, 3)
  assert.equal(started, [0, 210, 420])
})

test('an attempt left hanging is cut at the bound, and that is the end', async () => {
  const clock = createVirtualClock()
  let attempts = 0
  const err = await clock.run(async () => await attemptWithin(clock, SCHEDULE, async signal => {
    attempts++
    await clock.sleep(60_000, { signal })
  }).catch((e: unknown) => e))
  assert.instance(err, AttemptsExhaustedError)
  assert.is((err as AttemptsExhaustedError).code, 'ERR_PUNCH_ATTEMPTS')
  assert.is(attempts, 1)
  assert.is(clock.now(), SCHEDULE.boundMs)
  assert.match((err as Error).message, /timed out after 4000 ms/)
})

test('attempts that keep failing stop before the bound, never after it', async () => {
  const clock = createVirtualClock()
  let attempts = 0
  const err = await clock.run(async () => await attemptWithin(clock, SCHEDULE, async () => {
    attempts++
    await clock.sleep(100)
    throw new Error('ECONNREFUSED')
  }).catch((e: unknown) => e))
  assert.instance(err, AttemptsExhaustedError)
  // one begun every 300 ms (100 trying, 200 waiting): at 0, 300, …, 3900
  assert.is(attempts, 14)
  assert.ok(clock.now() <= SCHEDULE.boundMs, `ended at ${clock.now()}`)
  assert.is((err as AttemptsExhaustedError).attempts, 14)
  assert.match((err as Error).message, /ECONNREFUSED/)
})

test('the caller\'s signal ends the attempts at once, with its reason', async () => {
  const clock = createVirtualClock()
  const caller = new AbortController()
  clock.after(500, () => { caller.abort(new Error('caller gave up')) })
  const err = await clock.run(async () => await attemptWithin(clock, SCHEDULE, async signal => {
    await clock.sleep(60_000, { signal })
  }, caller.signal).catch((e: unknown) => e))
  assert.is((err as Error).message, 'caller gave up')
  assert.is(clock.now(), 500)
})

test.run()
