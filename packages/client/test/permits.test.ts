// The counted lock that keeps ~8 MiB of files in flight, and the loop that runs a
// directory's entries a few at a time: order, weights, aborts, failures.
import { getEventListeners } from 'node:events'
import { setImmediate as tick } from 'node:timers/promises'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { eachAtOnce, Permits } from '../src/permits.js'

test('waiters are served in arrival order: a big file is not starved by small ones behind it', async () => {
  const permits = new Permits(8)
  const order: string[] = []
  await permits.acquire(6)
  const big = permits.acquire(8).then(() => { order.push('big') })
  const small = permits.acquire(1).then(() => { order.push('small') })
  await tick()
  assert.equal(order, [], 'the small one waits behind the big one though 2 permits are free')
  permits.release(6)
  await big
  assert.equal(order, ['big'])
  permits.release(8)
  await small
  assert.equal(order, ['big', 'small'])
})

test('a waiter whose signal aborts rejects with its reason and takes no permits', async () => {
  const permits = new Permits(2)
  await permits.acquire(2)
  const controller = new AbortController()
  const waiting = permits.acquire(2, controller.signal)
  controller.abort(new Error('user cancelled'))
  try {
    await waiting
    assert.unreachable('should reject')
  } catch (err) {
    assert.is((err as Error).message, 'user cancelled')
  }
  permits.release(2)
  await tick()
  let got = false
  await permits.acquire(2).then(() => { got = true })
  assert.ok(got, 'all permits are free again')
})

test('permits are counted by weight: two files of 3 of 8 go at once, a third waits until 3 are free', async () => {
  const permits = new Permits(8)
  await permits.acquire(3)
  await permits.acquire(3)
  let third = false
  const waiting = permits.acquire(3).then(() => { third = true })
  await tick()
  assert.is(third, false, '2 permits free, 3 asked for')
  permits.release(1)
  await waiting
  assert.ok(third)
})

test('waiters of one weight are served one by one, in arrival order', async () => {
  const permits = new Permits(1)
  await permits.acquire(1)
  const order: number[] = []
  const waiters = [0, 1, 2, 3, 4].map(async i => { await permits.acquire(1); order.push(i) })
  for (let served = 0; served < 5; served++) {
    permits.release(1)
    await tick()
    assert.equal(order, [0, 1, 2, 3, 4].slice(0, served + 1))
  }
  await Promise.all(waiters)
})

test('run gives its permits back when fn throws', async () => {
  const permits = new Permits(2)
  try {
    await permits.run(2, async () => { throw new Error('read failed') })
    assert.unreachable('should throw')
  } catch (err) {
    assert.is((err as Error).message, 'read failed')
  }
  let got = false
  await permits.acquire(2).then(() => { got = true })
  assert.ok(got)
})

test('an aborted signal refuses even zero permits; no abort listener outlives its wait', async () => {
  const permits = new Permits(1)
  const reason = new Error('stopped')
  try {
    await permits.acquire(0, AbortSignal.abort(reason))
    assert.unreachable('should reject')
  } catch (err) {
    assert.is(err, reason)
  }
  const controller = new AbortController()
  const listeners = (): number => getEventListeners(controller.signal, 'abort').length
  await permits.run(1, async () => {}, controller.signal)
  assert.is(listeners(), 0, 'served at once')
  await permits.acquire(1)
  const waiting = permits.acquire(1, controller.signal)
  await tick()
  assert.is(listeners(), 1, 'the waiter listens')
  controller.abort(reason)
  assert.is(await waiting.catch(err => err), reason)
  assert.is(listeners(), 0, 'aborted')
})

test('zero permits (a directory) never waits', async () => {
  const permits = new Permits(1)
  await permits.acquire(1)
  await permits.acquire(0)
})

test('eachAtOnce: at most `limit` at once, started in order', async () => {
  let running = 0
  let most = 0
  const started: number[] = []
  await eachAtOnce(Array.from({ length: 20 }, (_, i) => i), 3, async i => {
    started.push(i)
    running++
    most = Math.max(most, running)
    await tick()
    running--
  })
  assert.is(most, 3)
  assert.equal(started, Array.from({ length: 20 }, (_, i) => i))
})

test('eachAtOnce: after a failure nothing new starts, the running ones finish, the failure is thrown', async () => {
  const started: number[] = []
  let finished = 0
  try {
    await eachAtOnce(Array.from({ length: 10 }, (_, i) => i), 2, async i => {
      started.push(i)
      if (i === 1) throw new Error('disk full')
      await tick()
      await tick()
      finished++
    })
    assert.unreachable('should throw')
  } catch (err) {
    assert.is((err as Error).message, 'disk full')
  }
  assert.ok(started.length <= 3, `started ${started.join(',')}`)
  assert.is(finished, started.length - 1, 'every other started one ran to its end before the throw')
})

test.run()
