// What peers' dial-back answers add up to (reachability.ts), and which addresses count as public.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkDialledAddress, checkPublicRange, InvalidPublicRangeError, isPublicIp, judgeReachability, witnessed, type DialBackAnswer } from '../src/reachability.js'

const HOUR = 3_600_000
const NOW = 10 * HOUR
const at = (peer: string, reachable: boolean, ago = 0, address = '/ip4/198.18.1.1/tcp/4001'): DialBackAnswer => ({ peer, reachable, address, at: NOW - ago })

test('no answers: unknown, and says no peer has tried', () => {
  const report = judgeReachability([], NOW, HOUR)
  assert.is(report.state, 'unknown')
  assert.match(report.hint, /no peer/)
  assert.is(report.asked, 0)
})

test('peers that dialled back: public, on the addresses they reached', () => {
  const report = judgeReachability([at('a', true), at('b', true, 0, '/ip4/198.18.0.2/tcp/4001')], NOW, HOUR)
  assert.is(report.state, 'public')
  assert.equal(report.addresses, ['/ip4/198.18.0.2/tcp/4001', '/ip4/198.18.1.1/tcp/4001'])
  assert.is(report.reached, 2)
})

test('peers that could not: unreachable, and the hint names the port to forward', () => {
  const report = judgeReachability([at('a', false), at('b', false)], NOW, HOUR)
  assert.is(report.state, 'unreachable')
  assert.is(report.label, 'unreachable')
  assert.match(report.hint, /forward TCP port 4001/)
  assert.match(report.hint, /UPnP/)
})

test('one success against one failure is public; against two failures it is not', () => {
  assert.is(judgeReachability([at('a', true), at('b', false)], NOW, HOUR).state, 'public')
  assert.is(judgeReachability([at('a', true), at('b', false), at('c', false)], NOW, HOUR).state, 'unreachable')
})

test('each peer counts once, by its latest answer: a mapping lost since is seen', () => {
  const answers = [at('a', true, 30 * 60_000), at('b', true, 30 * 60_000), at('a', false), at('b', false)]
  assert.is(judgeReachability(answers, NOW, HOUR).state, 'unreachable')
  assert.is(judgeReachability(answers, NOW, HOUR).asked, 2)
})

test('answers older than maxAgeMs are forgotten', () => {
  assert.is(judgeReachability([at('a', true, 2 * HOUR)], NOW, HOUR).state, 'unknown')
})

test('public addresses: what libp2p calls public, and the ranges given', () => {
  assert.ok(isPublicIp('8.8.8.8', []))
  assert.not.ok(isPublicIp('192.168.1.10', []))
  assert.not.ok(isPublicIp('127.0.0.2', []))
  // libp2p counts the benchmark range as private: a lab must name it
  assert.not.ok(isPublicIp('198.18.0.2', []))
  assert.ok(isPublicIp('198.18.0.2', ['198.18.0.0/16']))
  assert.not.ok(isPublicIp('198.19.0.2', ['198.18.0.0/16']))
  assert.not.ok(isPublicIp('not an ip', ['198.18.0.0/16']))
})

test('checkPublicRange takes a CIDR network, refuses the rest with a typed error', () => {
  assert.is(checkPublicRange('198.18.0.0/16'), '198.18.0.0/16')
  for (const bad of ['198.18.0.0', 'lan', '198.18.0.0/40']) {
    try {
      checkPublicRange(bad)
      assert.unreachable(`${bad} was taken`)
    } catch (err) {
      assert.instance(err, InvalidPublicRangeError)
      assert.is((err as InvalidPublicRangeError).code, 'ERR_INVALID_PUBLIC_RANGE')
    }
  }
})

test('an address a peer says it dialled back: a public IP on a port we asked about, else not counted', () => {
  const lab = ['198.18.0.0/16']
  assert.is(checkDialledAddress('/ip4/198.18.1.1/tcp/4001', [4001], lab), '/ip4/198.18.1.1/tcp/4001')
  assert.is(checkDialledAddress('/ip4/8.8.8.8/tcp/4001', [4001], []), '/ip4/8.8.8.8/tcp/4001')
  for (const lie of ['/ip4/198.18.1.1/tcp/22', '/ip4/192.168.1.5/tcp/4001', '/ip4/127.0.0.1/tcp/4001', '/dns4/evil.example/tcp/4001', '/ip4/198.18.1.1/tcp/4001/p2p-circuit', '', 7, null, undefined]) {
    assert.is(checkDialledAddress(lie, [4001], lab), null, String(lie))
  }
})

test('an address is announced only once two peers reached this node there: one peer alone could name any', () => {
  const address = '/ip4/198.18.1.1/tcp/4001'
  assert.not.ok(witnessed([at('a', true)], address))
  assert.not.ok(witnessed([at('a', true), at('a', true)], address), 'the same peer twice')
  assert.not.ok(witnessed([at('a', true), at('b', false)], address), 'one reached it, one did not')
  assert.ok(witnessed([at('a', true), at('b', true)], address))
})

test.run()
