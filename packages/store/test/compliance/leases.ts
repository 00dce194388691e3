import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { MAX_LEASES, type RedundancyTarget } from '@shoal/protocol'
import { leaseView, ledger, makeLease, randomChunk, REPLICATE_3 } from '../helpers.js'
import { onStore, PLENTY, type MakeStore } from './harness.js'

const DAY = 86_400_000
const T0 = 1_700_000_000_000
const ALL_TIME = Number.MAX_SAFE_INTEGER

/** Leases: recorded with a put, merged on a re-put or renewal, dropped per owner, collected when they all end. */
export function leaseRules (name: string, make: MakeStore): void {
  const test = suite(`${name}: leases`)

  test('a put with leases records them with the chunk; its record tells size and storedAt', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(3_000)
    const leases = [makeLease(1, T0 + DAY), makeLease(2, T0 + 2 * DAY, { scheme: 'replicate', replicas: 5 })]
    assert.is(await store.put(chunk.cid, chunk.bytes, { leases }), true)
    const record = await store.record(chunk.cid)
    assert.ok(record !== null)
    assert.ok(record.cid.equals(chunk.cid))
    assert.is(record.size, 3_000)
    assert.ok(Math.abs(record.storedAt - Date.now()) < 60_000, `storedAt ${record.storedAt}`)
    assert.equal(leaseView(record.leases), leaseView(leases))
    assert.is(record.pinned, false)
    assert.is(record.recovered, false)
    assert.is(await store.record(randomChunk(10).cid), null)
  }))

  test('an erasure target comes back whole: k, m, index, every piece CID and size', onStore(make, PLENTY, async store => {
    const pieces = Array.from({ length: 6 }, () => randomChunk(100))
    const target: RedundancyTarget = { scheme: 'erasure', k: 4, m: 2, index: 3, pieces: pieces.map(p => p.cid), sizes: [100, 100, 100, 100, 100, 100] }
    await store.put(pieces[3].cid, pieces[3].bytes, { leases: [makeLease(7, T0 + DAY, target)] })
    const [lease] = (await store.record(pieces[3].cid))!.leases
    assert.equal(leaseView([lease]), leaseView([makeLease(7, T0 + DAY, target)]))
    assert.ok(lease.target.scheme === 'erasure' && lease.target.pieces.every((cid, i) => cid.equals(pieces[i].cid)))
  }))

  test('a put without leases pins the chunk: never collected, even when leases come and go', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(1_000)
    await store.put(chunk.cid, chunk.bytes)
    assert.equal(await store.record(chunk.cid).then(r => [r?.pinned, r?.leases.length]), [true, 0])
    assert.is(await store.put(chunk.cid, chunk.bytes, { leases: [makeLease(1, T0)] }), false)
    assert.is(await store.addLeases(chunk.cid, [makeLease(2, T0)]), true)
    assert.is((await store.record(chunk.cid))?.pinned, true, 'still pinned once leased')
    assert.equal(await store.collectExpired(ALL_TIME, { limit: 100 }), [])
    assert.equal(await store.dropLeases(chunk.cid, makeLease(1, 0).owner), { held: true, deleted: false })
    assert.equal(await store.dropLeases(chunk.cid, makeLease(2, 0).owner), { held: true, deleted: false })
    assert.ok(await store.has(chunk.cid))
    assert.equal((await store.record(chunk.cid))?.leases, [])
  }))

  test('a leased chunk put again without leases becomes pinned', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(1_000)
    await store.put(chunk.cid, chunk.bytes, { leases: [makeLease(1, T0)] })
    assert.is(await store.put(chunk.cid, chunk.bytes), false)
    assert.is((await store.record(chunk.cid))?.pinned, true)
    assert.equal(await store.collectExpired(ALL_TIME, { limit: 100 }), [])
    assert.ok(await store.has(chunk.cid))
  }))

  test('a re-put merges: same owner and target keeps the later expiry and its signature; others add; nothing is stored twice', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(2_000)
    const five: RedundancyTarget = { scheme: 'replicate', replicas: 5 }
    await store.put(chunk.cid, chunk.bytes, { leases: [makeLease(1, T0 + 2 * DAY, REPLICATE_3, 1), makeLease(2, T0 + DAY)] })
    const before = await ledger(store)
    const again = [
      makeLease(1, T0 + DAY, REPLICATE_3, 2), // earlier: ignored
      makeLease(2, T0 + 3 * DAY, REPLICATE_3, 2), // later: replaces, with its signature
      makeLease(1, T0 + DAY, five), // same owner, other target: added
      makeLease(3, T0 + DAY) // new owner: added
    ]
    assert.is(await store.put(chunk.cid, chunk.bytes, { leases: again }), false)
    assert.equal(await ledger(store), before)
    assert.equal(leaseView((await store.record(chunk.cid))!.leases), leaseView([
      makeLease(1, T0 + 2 * DAY, REPLICATE_3, 1),
      makeLease(2, T0 + 3 * DAY, REPLICATE_3, 2),
      makeLease(1, T0 + DAY, five),
      makeLease(3, T0 + DAY)
    ]))
  }))

  test(`a chunk keeps at most ${MAX_LEASES} leases: those it held first, however long the newcomers' run`, onStore(make, PLENTY, async store => {
    const chunk = randomChunk(500)
    const first = Array.from({ length: 10 }, (_, i) => makeLease(i, T0 + i * DAY))
    const more = Array.from({ length: 10 }, (_, i) => makeLease(100 + i, T0 + (1000 + i) * DAY))
    await store.put(chunk.cid, chunk.bytes, { leases: first })
    assert.is(await store.addLeases(chunk.cid, more), true)
    const want = [...first, ...more].slice(0, MAX_LEASES)
    assert.equal(leaseView((await store.record(chunk.cid))!.leases), leaseView(want))
  }))

  test('addLeases renews a held chunk (so it outlives its first expiry) and is false for one not held', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(800)
    await store.put(chunk.cid, chunk.bytes, { leases: [makeLease(1, T0 + DAY)] })
    assert.is(await store.addLeases(chunk.cid, [makeLease(1, T0 + 30 * DAY)]), true)
    assert.equal(leaseView((await store.record(chunk.cid))!.leases), leaseView([makeLease(1, T0 + 30 * DAY)]))
    assert.equal(await store.collectExpired(T0 + 29 * DAY, { limit: 10 }), [])
    assert.ok(await store.has(chunk.cid))
    const absent = randomChunk(10)
    assert.is(await store.addLeases(absent.cid, [makeLease(1, T0)]), false)
    assert.is(await store.has(absent.cid), false)
  }))

  test('dropLeases removes every lease of one owner, and the chunk with its last lease', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(4_000)
    const other = randomChunk(1_000)
    await store.put(other.cid, other.bytes, { leases: [makeLease(1, T0)] })
    await store.put(chunk.cid, chunk.bytes, { leases: [makeLease(1, T0 + DAY), makeLease(1, T0 + DAY, { scheme: 'replicate', replicas: 5 }), makeLease(2, T0 + DAY)] })
    assert.equal(await store.dropLeases(chunk.cid, makeLease(1, 0).owner), { held: true, deleted: false })
    assert.equal(leaseView((await store.record(chunk.cid))!.leases), leaseView([makeLease(2, T0 + DAY)]))
    assert.equal(await store.dropLeases(chunk.cid, makeLease(9, 0).owner), { held: true, deleted: false }, 'an owner with no lease changes nothing')
    assert.equal(await store.dropLeases(chunk.cid, makeLease(2, 0).owner), { held: true, deleted: true })
    assert.is(await store.get(chunk.cid), null)
    assert.is(await store.record(chunk.cid), null)
    assert.equal(await ledger(store), { chunks: 1, bytes: 1_000, space: PLENTY })
    assert.equal(await store.dropLeases(chunk.cid, makeLease(2, 0).owner), { held: false, deleted: false })
    // and nothing of it is left to collect
    assert.equal((await store.collectExpired(ALL_TIME, { limit: 10 })).map(r => r.cid.toString()), [other.cid.toString()])
  }))

  test('release frees a handed-off chunk only while its record is as read: a lease added since, or a pin, keeps it', onStore(make, PLENTY, async store => {
    const [freed, renewed, pinned] = [randomChunk(1_000), randomChunk(1_100), randomChunk(1_200)]
    for (const c of [freed, renewed, pinned]) await store.put(c.cid, c.bytes, { leases: [makeLease(1, T0)] })
    const seen = await Promise.all([freed, renewed, pinned].map(async c => (await store.record(c.cid))!))
    await store.addLeases(renewed.cid, [makeLease(2, T0 + DAY)])
    await store.put(pinned.cid, pinned.bytes)
    assert.is(await store.release(freed.cid, seen[0]), true)
    assert.is(await store.release(renewed.cid, seen[1]), false, 'a lease came in after the hand-off was decided')
    assert.is(await store.release(pinned.cid, seen[2]), false, 'pinned chunks are never handed off')
    assert.equal([await store.has(freed.cid), await store.has(renewed.cid), await store.has(pinned.cid)], [false, true, true])
    assert.is(await store.release(freed.cid, seen[0]), false, 'gone already')
    assert.is((await ledger(store)).chunks, 2)
  }))

  test('collectExpired deletes exactly the chunks whose every lease ended (expires ≤ now), within its limit, and returns their records', onStore(make, PLENTY, async store => {
    const chunks = Array.from({ length: 12 }, (_, i) => ({ ...randomChunk(1_000 + i), ends: T0 + i * DAY }))
    for (const c of chunks) await store.put(c.cid, c.bytes, { leases: [makeLease(1, c.ends)] })
    // one lease ended, another not: kept
    const mixed = randomChunk(50)
    await store.put(mixed.cid, mixed.bytes, { leases: [makeLease(1, T0), makeLease(2, T0 + 100 * DAY)] })
    const pinned = randomChunk(60)
    await store.put(pinned.cid, pinned.bytes)

    const now = T0 + 7 * DAY // chunks 0..7 have ended, 7 exactly now
    const first = await store.collectExpired(now, { limit: 5 })
    assert.is(first.length, 5)
    const second = await store.collectExpired(now, { limit: 5 })
    assert.is(second.length, 3)
    assert.equal(await store.collectExpired(now, { limit: 5 }), [])
    const collected = [...first, ...second]
    assert.equal(collected.map(r => r.cid.toString()).sort(), chunks.slice(0, 8).map(c => c.cid.toString()).sort())
    for (const r of collected) {
      const c = chunks.find(c => c.cid.equals(r.cid))!
      assert.is(r.size, c.bytes.byteLength)
      assert.equal(leaseView(r.leases), leaseView([makeLease(1, c.ends)]))
      assert.is(await store.has(r.cid), false)
    }
    for (const c of chunks.slice(8)) assert.ok(await store.has(c.cid))
    assert.ok(await store.has(mixed.cid))
    assert.ok(await store.has(pinned.cid))
    const left = chunks.slice(8).reduce((n, c) => n + c.bytes.byteLength, 50 + 60)
    assert.equal(await ledger(store), { chunks: 6, bytes: left, space: PLENTY })
  }))

  test('a renewal moves a chunk out of collection; a drop of the later lease moves it back', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(700)
    await store.put(chunk.cid, chunk.bytes, { leases: [makeLease(1, T0)] })
    await store.addLeases(chunk.cid, [makeLease(2, T0 + 10 * DAY)])
    assert.equal(await store.collectExpired(T0 + DAY, { limit: 10 }), [])
    await store.dropLeases(chunk.cid, makeLease(2, 0).owner)
    assert.equal((await store.collectExpired(T0 + DAY, { limit: 10 })).map(r => r.cid.toString()), [chunk.cid.toString()])
  }))

  test('a deleted leased chunk is not collected later, and one put again is collected by its new leases', onStore(make, PLENTY, async store => {
    const chunk = randomChunk(700)
    await store.put(chunk.cid, chunk.bytes, { leases: [makeLease(1, T0)] })
    await store.delete(chunk.cid)
    assert.equal(await store.collectExpired(ALL_TIME, { limit: 10 }), [])
    await store.put(chunk.cid, chunk.bytes, { leases: [makeLease(1, T0 + 5 * DAY)] })
    assert.equal(await store.collectExpired(T0 + DAY, { limit: 10 }), [])
    assert.is((await store.collectExpired(T0 + 5 * DAY, { limit: 10 })).length, 1)
  }))

  test('records walks every chunk once, in CID byte order, from after a cursor (even one since deleted)', onStore(make, PLENTY, async store => {
    const chunks = Array.from({ length: 23 }, (_, i) => randomChunk(10 + i))
    for (const [i, c] of chunks.entries()) await store.put(c.cid, c.bytes, i % 2 === 0 ? { leases: [makeLease(i, T0 + i)] } : {})
    const inOrder = chunks.map(c => c.cid).sort((a, b) => Buffer.compare(a.bytes, b.bytes)).map(String)
    const walked: string[] = []
    let page = await store.records({ limit: 5 })
    for (;;) {
      walked.push(...page.map(r => r.cid.toString()))
      if (page.length < 5) break
      page = await store.records({ after: page[page.length - 1].cid, limit: 5 })
    }
    assert.equal(walked, inOrder)
    const third = chunks.find(c => c.cid.toString() === inOrder[2])!
    await store.delete(third.cid)
    assert.equal((await store.records({ after: third.cid, limit: 2 })).map(r => r.cid.toString()), inOrder.slice(3, 5))
    assert.equal(await store.records({ after: chunks.find(c => c.cid.toString() === inOrder[22])!.cid, limit: 5 }), [])
    const first = (await store.records({ limit: 1 }))[0]
    const source = chunks.findIndex(c => c.cid.equals(first.cid))
    assert.equal(leaseView(first.leases), source % 2 === 0 ? leaseView([makeLease(source, T0 + source)]) : [])
    assert.is(first.pinned, source % 2 === 1)
  }))

  test('leases, pins and the expiry index survive a stop and start', onStore(make, PLENTY, async store => {
    const leased = randomChunk(300)
    const pinned = randomChunk(400)
    await store.put(leased.cid, leased.bytes, { leases: [makeLease(1, T0), makeLease(2, T0 + DAY)] })
    await store.put(pinned.cid, pinned.bytes)
    await store.stop()
    await store.start()
    assert.equal(leaseView((await store.record(leased.cid))!.leases), leaseView([makeLease(1, T0), makeLease(2, T0 + DAY)]))
    assert.is((await store.record(pinned.cid))!.pinned, true)
    assert.equal((await store.collectExpired(ALL_TIME, { limit: 10 })).map(r => r.cid.toString()), [leased.cid.toString()])
  }))

  test.run()
}
