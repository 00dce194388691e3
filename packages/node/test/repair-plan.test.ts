// Who should hold a chunk, who acts and what each vault does (replica-plan.ts), the repair
// bandwidth bucket, and which leases a repair PUT carries: the repair loop's pure rules.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createVirtualClock } from '@shoal/runtime'
import { createByteBucket } from '../src/repair/byte-bucket.js'
import { leaseGroups } from '../src/repair/lease-groups.js'
import { planReplica, type ReplicaView } from '../src/repair/replica-plan.js'
import { planStripe } from '../src/repair/stripe-plan.js'

// peers a..h, closest first
const candidates = ['a', 'b', 'c', 'd', 'e', 'f']
const view = (self: string, answered: Record<string, boolean>, extra: Partial<ReplicaView> = {}): ReplicaView =>
  ({ self, candidates, holds: new Map(Object.entries(answered)), isBad: () => false, replicas: 3, ...extra })

test('all three closest hold it: nobody puts, the closest holder acts (audits), nobody frees', () => {
  for (const self of ['a', 'b', 'c']) {
    const others = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].filter(p => p !== self).map(p => [p, ['a', 'b', 'c'].includes(p)]))
    const plan = planReplica(view(self, others))
    assert.equal(plan.targets, ['a', 'b', 'c'])
    assert.equal(plan.lacking, [])
    assert.is(plan.acts, false)
    assert.is(plan.isActor, self === 'a')
    assert.is(plan.free, false)
  }
})

test('a dead holder: only the closest live holder puts, to the next closest live peer', () => {
  // a is dead (no answer); b and c hold it
  const fromB = planReplica(view('b', { c: true, d: false, e: false, f: false }))
  const fromC = planReplica(view('c', { b: true, d: false, e: false, f: false }))
  assert.equal(fromB.targets, ['b', 'c', 'd'])
  assert.equal(fromB.lacking, ['d'])
  assert.is(fromB.acts, true)
  assert.is(fromC.acts, false, 'the other holder only watches')
  assert.equal(fromB.holders, ['c'])
})

test('the actor dead too: the next holder acts, with no timer', () => {
  const plan = planReplica(view('c', { d: false, e: false, f: false }))
  assert.equal(plan.targets, ['c', 'd', 'e'])
  assert.is(plan.actor, 'c')
  assert.equal(plan.lacking, ['d', 'e'])
  assert.is(plan.acts, true)
})

test('a bad peer is passed over as a target and not trusted as a holder', () => {
  const plan = planReplica(view('a', { b: true, c: true, d: false, e: false, f: false }, { isBad: p => p === 'b' }))
  assert.equal(plan.targets, ['a', 'c', 'd'])
  assert.equal(plan.lacking, ['d'])
  assert.is(plan.acts, true)
  assert.equal(plan.holders, ['c'])
})

test('closer peers joined: the old holder is no target; it frees its copy only once every target holds it', () => {
  const before = planReplica(view('e', { a: false, b: true, c: true, d: false, f: false }))
  assert.equal(before.targets, ['a', 'b', 'c'])
  assert.is(before.actor, 'b')
  assert.is(before.acts, false)
  assert.is(before.free, false, 'a lacks it yet')
  const after = planReplica(view('e', { a: true, b: true, c: true, d: false, f: false }))
  assert.is(after.free, true)
})

test('a holder far outside the candidates is the only one: it acts and puts to all three', () => {
  const plan = planReplica(view('z', { a: false, b: false, c: false, d: false, e: false, f: false }))
  assert.equal(plan.targets, ['a', 'b', 'c'])
  assert.is(plan.actor, 'z')
  assert.equal(plan.lacking, ['a', 'b', 'c'])
  assert.is(plan.acts, true)
})

test('a vault leaving is no target: it puts where the others are short even when it is not the actor', () => {
  const plan = planReplica(view('b', { a: true, c: true, d: false, e: false, f: false }, { leaving: true }))
  assert.equal(plan.targets, ['a', 'c', 'd'])
  assert.equal(plan.lacking, ['d'])
  assert.is(plan.actor, 'a')
  assert.is(plan.acts, true)
  assert.is(plan.free, false)
})

test('fewer live peers than replicas: every live one is a target', () => {
  const plan = planReplica(view('a', { b: false }))
  assert.equal(plan.targets, ['a', 'b'])
  assert.equal(plan.lacking, ['b'])
})

test('the byte bucket lets a burst through, then holds repair to its rate', async () => {
  const clock = createVirtualClock()
  const bucket = createByteBucket(clock, 1000)
  const at: number[] = []
  await clock.run(async () => {
    for (let i = 0; i < 5; i++) {
      await bucket.take(500)
      at.push(clock.now())
    }
  })
  assert.equal(at, [0, 0, 500, 1000, 1500])
  // one bigger than the bucket waits for the bytes beyond it too
  await clock.run(async () => { await clock.sleep(5000) })
  const before = clock.now()
  await clock.run(async () => { await bucket.take(3000) })
  assert.is(clock.now() - before, 2000)
})

test('a repair PUT carries only the current leases signed for its target', () => {
  const r3 = { scheme: 'replicate' as const, replicas: 3 }
  const r5 = { scheme: 'replicate' as const, replicas: 5 }
  const lease = (owner: number, expires: number, target = r3): { owner: Uint8Array, expires: number, signature: Uint8Array, target: typeof r3 } =>
    ({ owner: Uint8Array.of(owner), expires, signature: Uint8Array.of(owner, 9), target })
  const groups = leaseGroups({ leases: [lease(1, 2000), lease(2, 500), lease(3, 3000), lease(4, 2000, r5)] }, 1000)
  assert.equal(groups.map(g => g.target), [r3, r5])
  assert.equal(groups[0].leases.map(l => l.owner[0]), [1, 3], 'the expired lease of owner 2 is not forwarded')
  assert.equal(groups[1].leases, [{ owner: Uint8Array.of(4), expires: 2000, signature: Uint8Array.of(4, 9) }])
})

test('a 2+1 stripe that lost a piece: the closest live piece holder acts and the missing piece goes to a target holding none', () => {
  // a holds piece 0, b is dead (held piece 1), c holds piece 2, d holds nothing
  const holds = new Map([['a', new Set([0])], ['c', new Set([2])], ['d', new Set<number>()], ['e', new Set<number>()]])
  const fromC = planStripe({ self: 'c', candidates: ['a', 'b', 'c', 'd', 'e'], holds, isBad: () => false, k: 2, m: 1 })
  assert.equal(fromC.targets, ['a', 'c', 'd'])
  assert.equal(fromC.missing, [1])
  assert.equal(fromC.spots, ['d'])
  assert.is(fromC.actor, 'a')
  assert.is(fromC.acts, false)
  const fromA = planStripe({ self: 'a', candidates: ['a', 'b', 'c', 'd', 'e'], holds, isBad: () => false, k: 2, m: 1 })
  assert.is(fromA.acts, true)
})

test('a stripe piece some live peer still holds is handed on by it, not rebuilt; one nobody holds is rebuilt by the actor', () => {
  // 2+1: e was pushed out of the set (a, b, c) by c joining; b's piece 1 was lost with a dead peer before
  const holds = new Map([['a', new Set([0])], ['b', new Set<number>()], ['c', new Set<number>()], ['e', new Set([2])]])
  const view = { candidates: ['a', 'b', 'c', 'e'], holds, isBad: () => false, k: 2, m: 1 }
  const fromE = planStripe({ ...view, self: 'e' })
  assert.equal(fromE.missing, [1, 2])
  assert.equal(fromE.spots, ['b', 'c'])
  assert.equal(fromE.handOn, [{ index: 2, to: 'c' }], 'e hands its piece to the second free target')
  assert.equal(fromE.rebuild, [])
  assert.is(fromE.free, false, 'not before the set holds it')
  const fromA = planStripe({ ...view, self: 'a' })
  assert.equal(fromA.rebuild, [{ index: 1, to: 'b' }], 'the actor rebuilds only the piece nobody holds')
  assert.equal(fromA.handOn, [])
  const after = planStripe({ ...view, self: 'e', holds: new Map([...holds, ['b', new Set([1])], ['c', new Set([2])]]) })
  assert.is(after.free, true)
})

test('a stripe with fewer than k live pieces is not recoverable: nothing is rebuilt', () => {
  const holds = new Map([['a', new Set([0])], ['d', new Set<number>()], ['e', new Set<number>()]])
  const plan = planStripe({ self: 'a', candidates: ['a', 'b', 'c', 'd', 'e'], holds, isBad: () => false, k: 2, m: 1 })
  assert.is(plan.recoverable, false)
  assert.is(plan.isActor, true)
  assert.equal(plan.rebuild, [])
  assert.is(plan.acts, false)
})

test('one CID at two indexes on one peer: it is placed for one, and hands the other on to a free target', () => {
  const holds = new Map([['a', new Set([0])], ['b', new Set([1, 2])], ['c', new Set<number>()]])
  const plan = planStripe({ self: 'b', candidates: ['a', 'b', 'c'], holds, isBad: () => false, k: 2, m: 1 })
  assert.equal([...plan.placed], [[0, 'a'], [1, 'b']])
  assert.equal(plan.handOn, [{ index: 2, to: 'c' }])
})

test('a leaving piece holder hands its pieces on whoever the actor, and frees nothing', () => {
  const holds = new Map([['a', new Set([0])], ['b', new Set([1])], ['c', new Set([2])], ['d', new Set<number>()]])
  const plan = planStripe({ self: 'b', candidates: ['a', 'b', 'c', 'd'], holds, isBad: () => false, k: 2, m: 1, leaving: true })
  assert.equal(plan.targets, ['a', 'c', 'd'])
  assert.equal(plan.handOn, [{ index: 1, to: 'd' }])
  assert.is(plan.free, false)
})

test.run()
