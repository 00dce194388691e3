// The reachability states behind NAT (reachability.ts, docs/nat.md): what dial-back
// answers, relay slots and the ports peers observe add up to, and what each tells the user.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { dhtModeFor, judgePortMapping, judgeReachability, NO_NAT_MAPPING, REACHABILITY_STATES, type DialBackAnswer, type NatMapping, type NatView, type PortObservation } from '../src/reachability.js'

const HOUR = 3_600_000
const NOW = 10 * HOUR
const LAB = ['198.18.0.0/16']
const failed = (peer: string): DialBackAnswer => ({ peer, reachable: false, address: '/ip4/198.18.1.1/tcp/4001', at: NOW })
const reached = (peer: string): DialBackAnswer => ({ peer, reachable: true, address: '/ip4/198.18.0.2/tcp/4001', at: NOW })
const RELAYS = ['/ip4/198.18.0.2/tcp/4001/p2p/R1/p2p-circuit/p2p/ME', '/ip4/198.18.0.3/tcp/4001/p2p/R2/p2p-circuit/p2p/ME']
const keeps: NatMapping = { mapping: 'preserving', publicIp: '198.18.1.1', observers: 2 }
const changes: NatMapping = { mapping: 'changing', publicIp: '198.18.1.1', observers: 2 }
const view = (part: Partial<NatView>): NatView => ({ privateOnly: true, ports: [4001], relays: RELAYS, nat: NO_NAT_MAPPING, ...part })
const saw = (observer: string, localPort: number, observedPort: number, ago = 0, observedIp = '198.18.1.1'): PortObservation =>
  ({ observer, localPort, observedIp, observedPort, at: NOW - ago })

test('behind a router that keeps ports, holding relay slots: hole-punching, and the hint says how to be public', () => {
  const report = judgeReachability([failed('a'), failed('b')], NOW, HOUR, view({ nat: keeps }))
  assert.is(report.state, 'hole-punching')
  assert.is(report.label, 'behind NAT, reachable by hole punching')
  assert.match(report.hint, /198\.18\.1\.1\/tcp\/4001/)
  assert.match(report.hint, /forward TCP port 4001/)
  assert.match(report.hint, /UPnP/)
  assert.equal(report.relays, RELAYS)
})

test('behind a router that changes ports: relayed only, and the hint says hole punching fails and chunks do not cross', () => {
  const report = judgeReachability([failed('a'), failed('b')], NOW, HOUR, view({ nat: changes }))
  assert.is(report.state, 'relayed')
  assert.is(report.label, 'behind NAT, relayed only')
  assert.match(report.hint, /changes ports/)
  assert.match(report.hint, /no chunks/)
  assert.match(report.hint, /forward TCP port 4001/)
})

test('NAT behaviour not yet observed: relayed (hole punching is not assumed)', () => {
  assert.is(judgeReachability([failed('a')], NOW, HOUR, view({})).state, 'relayed')
})

test('behind NAT without a relay slot: unreachable, whatever the router does with ports', () => {
  assert.is(judgeReachability([failed('a'), failed('b')], NOW, HOUR, view({ relays: [], nat: keeps })).state, 'unreachable')
})

test('private addresses only, no dial-back answer and no relay slot: unknown, not unreachable (a LAN, a Docker network: its vaults dial each other and must stay DHT servers)', () => {
  const lan = judgeReachability([], NOW, HOUR, view({ relays: [], nat: keeps }))
  assert.is(lan.state, 'unknown')
  assert.is(dhtModeFor(lan.state), 'server')
})

test('private addresses only and a relay slot, before any dial-back: behind NAT all the same', () => {
  assert.is(judgeReachability([], NOW, HOUR, view({ nat: keeps })).state, 'hole-punching')
})

test('peers that dialled back: public, relay slots or not; a node with a public address and no answers: unknown', () => {
  assert.is(judgeReachability([reached('a'), failed('b')], NOW, HOUR, view({ nat: changes })).state, 'public')
  assert.is(judgeReachability([], NOW, HOUR, view({ privateOnly: false, relays: [] })).state, 'unknown')
})

test('port mapping: two observers seeing the local port make it preserving; two seeing another, changing', () => {
  assert.is(judgePortMapping([saw('a', 40001, 40001), saw('b', 40002, 40002)], NOW, HOUR, LAB).mapping, 'preserving')
  assert.is(judgePortMapping([saw('a', 40001, 1025), saw('b', 40002, 61000)], NOW, HOUR, LAB).mapping, 'changing')
  // one observer proves nothing either way
  assert.is(judgePortMapping([saw('a', 40001, 40001)], NOW, HOUR, LAB).mapping, 'unknown')
  assert.is(judgePortMapping([saw('a', 40001, 1025)], NOW, HOUR, LAB).mapping, 'unknown')
})

test('port mapping: each observer counts once, by its latest; old observations are forgotten', () => {
  const again = [saw('a', 40001, 1025, 1000), saw('a', 40003, 40003), saw('b', 40002, 40002), saw('c', 40004, 2000, 2 * HOUR)]
  const nat = judgePortMapping(again, NOW, HOUR, LAB)
  assert.is(nat.mapping, 'preserving')
  assert.is(nat.observers, 2)
})

test('port mapping: a port kept by chance once is outvoted by more changed', () => {
  const mixed = [saw('a', 40001, 40001), saw('b', 40002, 40002), saw('c', 40003, 1), saw('d', 40004, 2), saw('e', 40005, 3)]
  assert.is(judgePortMapping(mixed, NOW, HOUR, LAB).mapping, 'changing')
})

test('the public IP is the one most observers on a public address saw; private observed addresses are not it', () => {
  const nat = judgePortMapping([saw('a', 1, 1, 0, '198.18.1.1'), saw('b', 2, 2, 0, '198.18.1.1'), saw('c', 3, 3, 0, '198.18.1.9'), saw('d', 4, 4, 0, '198.19.0.10')], NOW, HOUR, LAB)
  assert.is(nat.publicIp, '198.18.1.1')
  assert.is(judgePortMapping([saw('d', 4, 4, 0, '198.19.0.10')], NOW, HOUR, LAB).publicIp, null)
})

test('placement by reachability: public and hole-punchable vaults are DHT servers (holders); relayed-only and unreachable ones clients (never holders)', () => {
  assert.equal(REACHABILITY_STATES.map(state => [state, dhtModeFor(state)]), [
    ['public', 'server'], ['hole-punching', 'server'], ['relayed', 'client'], ['unreachable', 'client'], ['unknown', 'server']
  ])
})

test.run()
