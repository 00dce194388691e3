// Erasure-coded stripes in the repair loop on the in-memory network (virtual clock,
// seeded): lost pieces are rebuilt exact on the stripe's set, moving about the lost bytes
// and not whole stripes; a stripe short of k pieces is reported, not retried; a closer
// vault receives a piece and the pushed-out holder frees it; a draining vault hands its
// pieces on; a corrupt piece is rebuilt from the others; identical pieces are kept apart.
import { test } from 'uvu'
import { packBitmap } from '@shoal/protocol'
import * as assert from 'uvu/assert'
import { sortByDistance, type MemoryNode } from '../src/memory.js'
import type { RepairMetrics } from '../src/repair/types.js'
import { periods, placeStripe, repairTestnet, rotBlob, seededChunk, type MemoryTestnet, type PlacedStripe } from './memory-helpers.js'

const KiB = 1024

/** Audits off unless a test asks: these tests count the bytes repair moves. */
async function stripeTestnet (nodes: number, seed: number, extra: { auditSample?: number, auditChance?: number } = {}): Promise<MemoryTestnet> {
  return await repairTestnet(nodes, seed, { auditSample: 0, ...extra })
}

/** `count` rs:k+m stripes of data pieces of different sizes, placed as an upload would. */
async function placeStripes (t: MemoryTestnet, count: number, k = 4, m = 2): Promise<PlacedStripe[]> {
  const stripes: PlacedStripe[] = []
  for (let s = 0; s < count; s++) {
    const data = Array.from({ length: k }, (_, i) => seededChunk(t.random, 2 * KiB + s * 97 + i * 301))
    stripes.push(await placeStripe(t.nodes, data, m))
  }
  return stripes
}

/** For each live node, the piece indexes of the stripe it holds with their exact bytes. */
async function piecesHeld (t: MemoryTestnet, stripe: PlacedStripe): Promise<Map<MemoryNode, Set<number>>> {
  const held = new Map<MemoryNode, Set<number>>()
  for (const node of t.nodes.filter(n => n.up)) {
    const indexes = new Set<number>()
    for (const [index, piece] of stripe.pieces.entries()) {
      const bytes = await node.store?.get(piece.cid).catch(() => null)
      if (bytes != null && Buffer.from(bytes).equals(piece.bytes)) indexes.add(index)
    }
    if (indexes.size > 0) held.set(node, indexes)
  }
  return held
}

/** Whether each of `peers` can be given a distinct index it holds, every index once. */
function distinctAssignment (peers: Array<Set<number>>, used = new Set<number>()): boolean {
  if (peers.length === 0) return true
  const [first, ...rest] = peers
  return [...first].some(index => !used.has(index) && distinctAssignment(rest, new Set([...used, index])))
}

/** Every piece, exact, on a distinct one of the k+m closest live nodes (not `except`); `only`: nobody else holds any. */
async function assertWhole (t: MemoryTestnet, stripe: PlacedStripe, options: { except?: MemoryNode[], only?: boolean } = {}): Promise<void> {
  const live = t.nodes.filter(n => n.up && !(options.except ?? []).includes(n))
  const set = sortByDistance(stripe.key, live.map(n => n.peerId)).slice(0, stripe.k + stripe.m).map(p => t.net.node(p) as MemoryNode)
  const held = await piecesHeld(t, stripe)
  const name = stripe.pieces[0].cid.toString().slice(-8)
  assert.ok(distinctAssignment(set.map(n => held.get(n) ?? new Set())), `stripe …${name}: each of its ${set.length} closest live vaults holds a distinct piece (${set.map(n => `${n.name}:${[...held.get(n) ?? []].join('+')}`).join(' ')})`)
  if (options.only === true) {
    const outside = [...held.keys()].filter(n => !set.includes(n) && !(options.except ?? []).includes(n))
    assert.equal(outside.map(n => n.name), [], `stripe …${name}: no vault outside its set keeps a piece`)
  }
}

function total (t: MemoryTestnet, metric: keyof RepairMetrics): number {
  return t.nodes.reduce((sum, n) => sum + (n.repairer?.metrics()[metric] ?? 0), 0)
}

/** Bytes of the PUTs and of the data answers in the trace since `from`, of the pieces of `stripes` only. */
function traffic (t: MemoryTestnet, from: number, stripes: PlacedStripe[]): { puts: number, putBytes: number, gets: number, getBytes: number } {
  const cids = new Set(stripes.flatMap(s => s.pieces.map(p => p.cid.toString())))
  const out = { puts: 0, putBytes: 0, gets: 0, getBytes: 0 }
  for (const line of t.net.trace.slice(from)) {
    const [, , type, cid, ...rest] = line.split(' ')
    if (!cids.has(cid)) continue
    if (type === 'put') {
      out.puts++
      out.putBytes += parseInt(rest[0])
    } else if (type === 'get') {
      out.gets++
      const data = rest.indexOf('data')
      if (data >= 0) out.getBytes += parseInt(rest[data + 1])
    }
  }
  return out
}

test('rs:4+2 on ten vaults, two holders killed: after two periods every stripe has its six pieces exact on six distinct live vaults of its set; repair moved the lost pieces, not whole stripes', async () => {
  const t = await stripeTestnet(10, 41)
  try {
    const stripes = await placeStripes(t, 12)
    const victims = [t.nodes[2], t.nodes[6]]
    let lostPieces = 0
    let lostBytes = 0
    const affected: PlacedStripe[] = []
    for (const stripe of stripes) {
      const lost = [...(await piecesHeld(t, stripe))].filter(([n]) => victims.includes(n)).flatMap(([, indexes]) => [...indexes])
      lostPieces += lost.length
      lostBytes += lost.reduce((sum, index) => sum + stripe.pieces[index].bytes.byteLength, 0)
      if (lost.length > 0) affected.push(stripe)
    }
    assert.ok(affected.length >= 6 && lostPieces > affected.length, `the victims held pieces of many stripes (${lostPieces} pieces of ${affected.length} stripes)`)
    for (const v of victims) v.kill()
    const from = t.net.trace.length
    await periods(t, 2)
    for (const stripe of stripes) await assertWhole(t, stripe)
    const moved = traffic(t, from, stripes)
    assert.is(moved.puts, lostPieces, 'one PUT per lost piece')
    assert.is(moved.putBytes, lostBytes, 'the bytes put are the lost pieces\' bytes')
    // the actor holds one piece and fetches k - 1 = 3 others per stripe it rebuilds
    const longest = (s: PlacedStripe): number => s.pieces[s.k].bytes.byteLength
    assert.ok(moved.getBytes <= affected.reduce((sum, s) => sum + 3 * longest(s), 0), `fetched ${moved.getBytes} B`)
    const whole = affected.reduce((sum, s) => sum + s.pieces.reduce((n, p) => n + p.bytes.byteLength, 0), 0)
    assert.ok(moved.getBytes + moved.putBytes < whole, `repair moved ${moved.getBytes + moved.putBytes} B, less than the ${whole} B of the stripes it touched`)
    assert.is(total(t, 'piecesRebuilt'), lostPieces)
    assert.is(total(t, 'stripesRepaired'), affected.length)
    assert.is(total(t, 'repairBytesFetched'), moved.getBytes)
    assert.is(total(t, 'stripesUnrecoverable'), 0)
  } finally { await t.net.stop() }
})

test('three holders of a stripe killed at once: it cannot be rebuilt, the actor says so, and nobody fetches or puts its pieces period after period; the others are repaired', async () => {
  const t = await stripeTestnet(10, 42)
  try {
    const stripes = await placeStripes(t, 12)
    const held = await piecesHeld(t, stripes[0])
    const victims = [...held].filter(([, indexes]) => [0, 1, 2].some(i => indexes.has(i))).map(([n]) => n)
    assert.is(victims.length, 3)
    const lost = await Promise.all(stripes.map(async s => [...(await piecesHeld(t, s))].filter(([n]) => victims.includes(n)).length))
    const doomed = stripes.filter((_, i) => lost[i] >= 3)
    for (const v of victims) v.kill()
    const from = t.net.trace.length
    await periods(t, 4)
    assert.is(total(t, 'stripesUnrecoverable'), doomed.length, 'each stripe short of k pieces is reported once, by its actor')
    const wasted = traffic(t, from, doomed)
    assert.equal({ puts: wasted.puts, gets: wasted.gets }, { puts: 0, gets: 0 }, 'no piece of an unrecoverable stripe is fetched or put')
    for (const stripe of stripes.filter(s => !doomed.includes(s))) await assertWhole(t, stripe)
    // the requests of a quiet period: the HAS rounds only
    const before = t.net.trace.length
    await periods(t, 1)
    const lastPeriod = t.net.trace.slice(before)
    assert.ok(lastPeriod.every(line => line.split(' ')[2] === 'has'), 'a period with nothing left to repair sends only HAS rounds')
  } finally { await t.net.stop() }
})

test('a closer vault joining receives a piece of each stripe it is now in the set of, and the pushed-out holder frees it; nothing is rebuilt', async () => {
  const t = await stripeTestnet(8, 43)
  try {
    const stripes = await placeStripes(t, 16)
    const newcomer = await t.net.add()
    const its = stripes.filter(s => sortByDistance(s.key, t.nodes.map(n => n.peerId)).slice(0, 6).some(p => p.equals(newcomer.peerId)))
    assert.ok(its.length >= 4, `the newcomer is in the set of some stripes (${its.length})`)
    const from = t.net.trace.length
    await periods(t, 2)
    for (const stripe of stripes) await assertWhole(t, stripe, { only: true })
    const moved = traffic(t, from, stripes)
    assert.equal({ puts: moved.puts, gets: moved.gets }, { puts: its.length, gets: 0 }, 'one piece handed on per stripe, none fetched')
    assert.is(total(t, 'handedOff'), its.length, 'each pushed-out holder freed its piece')
    assert.is(total(t, 'piecesRebuilt'), 0)
  } finally { await t.net.stop() }
})

test('a piece holder that drains before leaving hands each of its pieces to its stripe\'s set', async () => {
  const t = await stripeTestnet(8, 44)
  try {
    const stripes = await placeStripes(t, 12)
    const leaving = t.nodes[4]
    let mine = 0
    for (const stripe of stripes) mine += (await piecesHeld(t, stripe)).get(leaving)?.size ?? 0
    assert.ok(mine >= 6, `it holds pieces (${mine})`)
    const outcome = await t.clock.run(async () => await (leaving.repairer as NonNullable<MemoryNode['repairer']>).drain({ deadlineMs: 5_000 }))
    leaving.leave()
    assert.equal(outcome, { handedOff: mine, failed: 0, timedOut: false })
    for (const stripe of stripes) await assertWhole(t, stripe)
  } finally { await t.net.stop() }
})

test('scrubbing finds a corrupt piece nobody else holds and rebuilds it from the other pieces, leases kept', async () => {
  const t = await stripeTestnet(8, 45)
  try {
    const [stripe] = await placeStripes(t, 1)
    const piece = stripe.pieces[1]
    const holder = [...(await piecesHeld(t, stripe))].find(([, indexes]) => indexes.has(1))?.[0] as MemoryNode
    const store = holder.store as NonNullable<MemoryNode['store']>
    const leases = await rotBlob(holder, piece, 7)
    await periods(t, 1)
    assert.is(holder.repairer?.metrics().corruptReplaced, 1)
    assert.ok(Buffer.from(await store.get(piece.cid) ?? []).equals(piece.bytes), 'the good bytes are back')
    assert.equal((await store.record(piece.cid))?.leases, leases)
    await assertWhole(t, stripe, { only: true })
  } finally { await t.net.stop() }
})

test('a stripe with two identical data pieces (one CID at two indexes): losing one holder puts the surviving copy on a second vault, nothing rebuilt', async () => {
  const t = await stripeTestnet(10, 46)
  try {
    const same = seededChunk(t.random, 3 * KiB)
    const stripe = await placeStripe(t.nodes, [seededChunk(t.random, 3 * KiB), same, same, seededChunk(t.random, 2 * KiB)], 2)
    const victim = [...(await piecesHeld(t, stripe))].find(([, indexes]) => indexes.has(1))?.[0] as MemoryNode
    victim.kill()
    await periods(t, 2)
    await assertWhole(t, stripe, { only: true })
    assert.is(total(t, 'piecesRebuilt'), 0)
    const holdersOfSame = [...(await piecesHeld(t, stripe))].filter(([, indexes]) => indexes.has(1)).length
    assert.is(holdersOfSame, 2, 'the identical piece is on two vaults, one for each index')
  } finally { await t.net.stop() }
})

test('a piece holder that silently deletes its pieces (still saying HAS) fails the audits that fetch them, is marked bad, and its pieces are rebuilt elsewhere', async () => {
  const t = await stripeTestnet(10, 47, { auditSample: 8, auditChance: 1 })
  try {
    const stripes = await placeStripes(t, 12)
    const liar = t.nodes[3]
    const store = liar.store as NonNullable<MemoryNode['store']>
    let deleted = 0
    for (const stripe of stripes) for (const piece of stripe.pieces) if (await store.delete(piece.cid)) deleted++
    assert.ok(deleted >= 4, `the liar held pieces (${deleted})`)
    liar.behave(async (request, _from, honest) => request.type === 'has'
      ? { type: 'have', id: request.id, bitmap: packBitmap(request.cids.map(() => true)) }
      : await honest(request))
    await periods(t, 10)
    const judges = t.nodes.filter(n => n !== liar && n.repairer?.isBad(liar.peerId) === true)
    assert.ok(judges.length > 0, 'some vault marked the liar bad')
    const record = await judges[0].store?.peerRecord(liar.peerId.toString())
    assert.match(record?.bad?.reason ?? '', /does not hold/)
    for (const stripe of stripes) await assertWhole(t, stripe, { except: [liar] })
  } finally { await t.net.stop() }
})

test.run()
