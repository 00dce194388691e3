// Where `shoal node` listens without --listen: the default's IPv6 address is dropped with
// a note on a machine without IPv6; an address the user named is never dropped.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_LISTEN, ipv6Available, listenAddresses } from '../src/commands/node/listen.js'

function notes (): { logger: { info: (fields: Record<string, unknown>, message: string) => void }, said: string[] } {
  const said: string[] = []
  return { logger: { info: (_fields, message) => { said.push(message) } }, said }
}

test('the default is every IPv4 and IPv6 address on port 4001', () => {
  assert.equal(DEFAULT_LISTEN, ['/ip4/0.0.0.0/tcp/4001', '/ip6/::/tcp/4001'])
})

test('no IPv6 on the machine: the default listens on IPv4 only, and says so', async () => {
  const { logger, said } = notes()
  const addresses = await listenAddresses({ addresses: DEFAULT_LISTEN, isDefault: true, logger, ipv6: async () => false })
  assert.equal(addresses, ['/ip4/0.0.0.0/tcp/4001'])
  assert.equal(said, ['IPv6 is not available on this machine: not listening on /ip6/::/tcp/4001'])
})

test('with IPv6, or with addresses the user gave, the list is kept as it is', async () => {
  const { logger, said } = notes()
  assert.equal(await listenAddresses({ addresses: DEFAULT_LISTEN, isDefault: true, logger, ipv6: async () => true }), DEFAULT_LISTEN)
  const mine = ['/ip6/::1/tcp/0']
  assert.equal(await listenAddresses({ addresses: mine, isDefault: false, logger, ipv6: async () => false }), mine)
  assert.equal(said, [])
})

test('the probe answers on this machine', async () => {
  assert.type(await ipv6Available(), 'boolean')
})

test.run()
