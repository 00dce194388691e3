// The UPnP router search (reachability-upnp.ts firstGateway): the first IPv4 router, or
// null when the search is given up, even if the search itself never ends.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Gateway } from '@achingbrain/nat-port-mapper'
import { firstGateway } from '../src/reachability-upnp.js'

const gateway = (family: 'IPv4' | 'IPv6'): Gateway => ({ family }) as unknown as Gateway

test('the first IPv4 router found', async () => {
  async function * routers (): AsyncGenerator<Gateway> { yield gateway('IPv6'); yield gateway('IPv4') }
  assert.is((await firstGateway(routers(), new AbortController().signal))?.family, 'IPv4')
})

test('none when the search ends without one', async () => {
  async function * routers (): AsyncGenerator<Gateway> { yield gateway('IPv6') }
  assert.is(await firstGateway(routers(), new AbortController().signal), null)
})

test('none once the search is given up, though the search itself never ends (no router answers)', async () => {
  const never: AsyncIterable<Gateway> = { [Symbol.asyncIterator]: () => ({ next: async () => await new Promise<IteratorResult<Gateway>>(() => {}) }) }
  const controller = new AbortController()
  const found = firstGateway(never, controller.signal)
  controller.abort()
  assert.is(await found, null)
})

test.run()
