// The virtual clock fires timers in (time, creation) order, moves only when nothing else
// can happen, and says so when a run waits on something no timer will bring.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createVirtualClock, StalledRunError, RunLimitError } from '../src/index.js'

/** The error `promise` rejects with; fails the test if it resolves. */
async function rejection (promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  assert.unreachable('expected a rejection')
  throw new Error('unreachable')
}

test('run() jumps from timer to timer: a minute of sleeps takes no real time', async () => {
  const clock = createVirtualClock()
  const seen: string[] = []
  const started = performance.now()
  await clock.run(async () => {
    await Promise.all([
      (async () => { await clock.sleep(60_000); seen.push(`a@${clock.now()}`) })(),
      (async () => { await clock.sleep(10); seen.push(`b@${clock.now()}`); await clock.sleep(10); seen.push(`c@${clock.now()}`) })()
    ])
  })
  assert.equal(seen, ['b@10', 'c@20', 'a@60000'])
  assert.ok(performance.now() - started < 1_000, 'virtual, not real, time')
})

test('timers due at the same moment fire in the order they were made', async () => {
  const clock = createVirtualClock()
  const order: number[] = []
  for (let i = 0; i < 5; i++) clock.after(100, () => order.push(i))
  await clock.advance(100)
  assert.equal(order, [0, 1, 2, 3, 4])
  assert.is(clock.pending, 0)
})

test('timers due at one instant all fire before the work the first one started runs', async () => {
  const clock = createVirtualClock()
  const seen: string[] = []
  clock.after(100, () => { void Promise.resolve().then(() => seen.push('work of a')); seen.push('a') })
  clock.after(100, () => { seen.push('b') })
  clock.after(101, () => { seen.push('c') })
  await clock.advance(200)
  assert.equal(seen, ['a', 'b', 'work of a', 'c'])
})

test('timeout() aborts with a TimeoutError at its deadline, not before', async () => {
  const clock = createVirtualClock()
  const signal = clock.timeout(500)
  await clock.advance(499)
  assert.is(signal.aborted, false)
  await clock.advance(1)
  assert.is(signal.aborted, true)
  assert.is((signal.reason as Error).name, 'TimeoutError')
})

test('sleep() rejects with the reason once its signal aborts, and its timer is cancelled', async () => {
  const clock = createVirtualClock()
  const controller = new AbortController()
  clock.after(50, () => controller.abort(new Error('stop')))
  await clock.run(async () => {
    assert.match((await rejection(clock.sleep(1_000, { signal: controller.signal }))).message, /stop/)
  })
  assert.is(clock.now(), 50)
  assert.is(clock.pending, 0)
})

test('every() repeats until cancelled', async () => {
  const clock = createVirtualClock()
  let ticks = 0
  const stop = clock.every(100, () => { ticks++ })
  await clock.advance(350)
  stop()
  await clock.advance(1_000)
  assert.is(ticks, 3)
})

test('a run that waits on nothing scheduled fails with StalledRunError instead of hanging', async () => {
  const clock = createVirtualClock()
  assert.instance(await rejection(clock.run(async () => { await new Promise(() => {}) })), StalledRunError)
})

test('limitMs bounds how far a run may go', async () => {
  const clock = createVirtualClock()
  const stop = clock.every(1_000, () => {})
  assert.instance(await rejection(clock.run(async () => { await new Promise(() => {}) }, { limitMs: 10_000 })), RunLimitError)
  stop()
  assert.ok(clock.now() <= 10_000)
})

test('a run returns its value and rethrows its error', async () => {
  const clock = createVirtualClock()
  assert.is(await clock.run(async () => { await clock.sleep(5); return 42 }), 42)
  assert.match((await rejection(clock.run(async () => { await clock.sleep(5); throw new Error('boom') }))).message, /boom/)
})

test.run()
