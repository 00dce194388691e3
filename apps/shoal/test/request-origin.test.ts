// The Host and Origin rules of the daemon's API on their own: which names each bind
// address serves (an API bound to every address serves this machine's addresses, never a
// name), and how headers are spelled.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { IncomingMessage } from 'node:http'
import { networkInterfaces } from 'node:os'
import { requestOriginCheck } from '../src/daemon/request-origin.js'

function verdict (bind: string, headers: Record<string, string>): string {
  try {
    requestOriginCheck(bind, 5001)({ headers } as unknown as IncomingMessage)
    return 'served'
  } catch (err) {
    return (err as { code: string }).code
  }
}

test('bound to one address: that address, localhost and loopback; not other addresses or names', () => {
  assert.is(verdict('10.1.2.3', { host: '10.1.2.3:5001' }), 'served')
  assert.is(verdict('10.1.2.3', { host: 'localhost:5001' }), 'served')
  assert.is(verdict('10.1.2.3', { host: '127.0.0.1:5001' }), 'served')
  assert.is(verdict('10.1.2.3', { host: '10.1.2.4:5001' }), 'ERR_FOREIGN_HOST')
  assert.is(verdict('10.1.2.3', { host: 'my-box.lan:5001' }), 'ERR_FOREIGN_HOST')
})

test('bound to all addresses: any address of this machine, never a name', () => {
  const own = Object.values(networkInterfaces()).flatMap(list => list ?? []).map(i => i.address)
  for (const address of own) {
    const host = address.includes(':') ? `[${address}]:5001` : `${address}:5001`
    assert.is(verdict('0.0.0.0', { host }), 'served', host)
    assert.is(verdict('::', { host }), 'served', host)
  }
  assert.is(verdict('0.0.0.0', { host: '192.0.2.200:5001' }), 'ERR_FOREIGN_HOST', 'TEST-NET, on no interface here')
  assert.is(verdict('0.0.0.0', { host: 'evil.example:5001' }), 'ERR_FOREIGN_HOST')
})

test('spellings: case, a root dot, an IPv4-mapped IPv6 loopback, the default port', () => {
  assert.is(verdict('127.0.0.1', { host: 'LocalHost.:5001' }), 'served')
  assert.is(verdict('127.0.0.1', { host: '[::ffff:127.0.0.1]:5001' }), 'served')
  assert.is(verdict('127.0.0.1', { host: 'localhost' }), 'ERR_FOREIGN_HOST', 'no port is port 80')
  assert.is(verdict('127.0.0.1', { host: 'localhost:5001', origin: 'http://LOCALHOST:5001' }), 'served')
  assert.is(verdict('127.0.0.1', { host: 'localhost:5001', origin: 'http://127.0.0.1:5001' }), 'ERR_CROSS_ORIGIN', 'another spelling is another origin')
})

test.run()
