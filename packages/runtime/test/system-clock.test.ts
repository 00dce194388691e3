// Real time behind the Clock interface: what code on a virtual clock expects of sleep.
import { getEventListeners } from 'node:events'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { systemClock } from '../src/clock.js'

test('sleep waits about as long as asked', async () => {
  const start = performance.now()
  await systemClock.sleep(30)
  assert.ok(performance.now() - start >= 25, 'slept')
})

test('sleep rejects with the signal\'s own reason, at once if it has already aborted, and leaves no listener or timer', async () => {
  const timers = (): number => process.getActiveResourcesInfo().filter(kind => kind === 'Timeout').length
  const before = timers()
  const reason = new Error('stop')
  const start = performance.now()
  const controller = new AbortController()
  const sleeping = systemClock.sleep(60_000, { signal: controller.signal })
  controller.abort(reason)
  assert.is(await sleeping.catch(err => err), reason)
  assert.is(await systemClock.sleep(60_000, { signal: AbortSignal.abort(reason) }).catch(err => err), reason)
  assert.ok(performance.now() - start < 1_000, 'neither waited for its timer')
  assert.is(getEventListeners(controller.signal, 'abort').length, 0)
  assert.is(timers(), before, 'the aborted timer is cleared')
})

test.run()
