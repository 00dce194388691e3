// A request's deadline (deadline.ts): it aborts the request with a TimeoutError when the
// request outlives it, passes an operation's abort on with its reason, and leaves nothing
// behind when the request ends first: no timer still to fire, no listener on the operation.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createVirtualClock, systemClock } from '@shoal/runtime'
import { withDeadline } from '../src/deadline.js'

test('a request that outlives its deadline is aborted with a TimeoutError at the deadline', async () => {
  const clock = createVirtualClock()
  const err = await clock.run(async () => await withDeadline(clock, 500, [], async signal => await clock.sleep(10_000, { signal })).catch(e => e as Error))
  assert.is(err?.name, 'TimeoutError')
  assert.is(clock.now(), 500)
})

test('a request that ends first leaves no timer and no listener behind', async () => {
  const clock = createVirtualClock()
  const operation = new AbortController()
  let listening = 0
  const add = operation.signal.addEventListener.bind(operation.signal)
  const remove = operation.signal.removeEventListener.bind(operation.signal)
  operation.signal.addEventListener = (...args: Parameters<typeof add>) => { listening++; add(...args) }
  operation.signal.removeEventListener = (...args: Parameters<typeof remove>) => { listening--; remove(...args) }
  for (let i = 0; i < 3; i++) {
    assert.is(await clock.run(async () => await withDeadline(clock, 500, [operation.signal], async signal => { await clock.sleep(10, { signal }); return i })), i)
  }
  assert.is(clock.pending, 0, 'the deadlines were cancelled')
  assert.is(listening, 0, 'the operation has no listener left')
})

test('an operation aborted before or during the request aborts it with the operation\'s reason', async () => {
  const clock = createVirtualClock()
  const before = AbortSignal.abort(new Error('gone already'))
  const seen = await withDeadline(clock, 500, [undefined, before], async signal => signal.reason as Error)
  assert.match(seen.message, /gone already/)
  const operation = new AbortController()
  clock.after(20, () => { operation.abort(new Error('user stopped')) })
  const err = await clock.run(async () => await withDeadline(clock, 500, [operation.signal], async signal => await clock.sleep(10_000, { signal })).catch(e => e as Error))
  assert.match(err?.message ?? '', /user stopped/)
  assert.is(clock.now(), 20)
})

test('on the real clock a request that ends first keeps no timer: the process may exit at once', async () => {
  assert.is(await withDeadline(systemClock, 60_000, [], async () => 'answered'), 'answered')
  const active = process.getActiveResourcesInfo().filter(name => name === 'Timeout')
  assert.is(active.length, 0, 'no deadline timer left running')
})

test.run()
