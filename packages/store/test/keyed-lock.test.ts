// The per-CID lock the disk store serializes puts, deletes and quarantines with.
import { setImmediate as tick } from 'node:timers/promises'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { KeyedLock } from '../src/keyed-lock.js'

test('tasks for one key run one at a time, in order, however many wait', async () => {
  const lock = new KeyedLock()
  let running = 0
  const order: number[] = []
  // more than async-lock's default cap of 1,000 waiting tasks, which would fail the rest
  await Promise.all(Array.from({ length: 2_500 }, async (_, i) => await lock.run('a', async () => {
    running++
    assert.is(running, 1)
    order.push(i)
    await Promise.resolve()
    running--
  })))
  assert.equal(order, Array.from({ length: 2_500 }, (_, i) => i))
})

test('tasks for different keys do not wait for each other', async () => {
  const lock = new KeyedLock()
  let release: () => void = () => {}
  const held = lock.run('a', async () => { await new Promise<void>(resolve => { release = resolve }) })
  let other = false
  await lock.run('b', async () => { other = true })
  assert.ok(other, 'b ran while a was held')
  release()
  await held
})

test('a task that throws passes its error on and frees the key', async () => {
  const lock = new KeyedLock()
  const err = await lock.run('a', async () => { throw new Error('disk gone') }).catch(e => e)
  assert.is(err.message, 'disk gone')
  await tick()
  assert.is(await lock.run('a', async () => 42), 42)
})

test.run()
