// A vault's relay slots as it counts them (relay-client.ts): one per relay, however many
// addresses the relay has.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { oneAddressPerRelay } from '../src/relay-client.js'

const A = '12D3KooWHUE6MYuhpq8baVoduSEL1G1yc3oPNdHRpfUvL91oFVnu'
const B = '12D3KooW9qdd2b83hi3x8kqdoZkPxZz2aWsqZ3mgyyvd6hRL8dgU'

test('a relay on two addresses (its LAN one and the one its router forwards) is one slot', () => {
  const addresses = [
    '/ip4/198.19.1.2/tcp/4001',
    `/ip4/198.19.1.2/tcp/4001/p2p/${A}/p2p-circuit`,
    `/ip4/198.18.1.2/tcp/4001/p2p/${A}/p2p-circuit`,
    `/ip4/198.18.0.2/tcp/4001/p2p/${B}/p2p-circuit`
  ]
  assert.equal(oneAddressPerRelay(addresses), [addresses[1], addresses[3]])
})

test('no relayed address, no slot', () => {
  assert.equal(oneAddressPerRelay(['/ip4/198.19.1.2/tcp/4001']), [])
})

test.run()
