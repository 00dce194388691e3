import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { onStore, PLENTY, type MakeStore } from './harness.js'

/** What the node keeps beside the chunks: named values (cursors) and the per-peer ledger. */
export function ledgerRules (name: string, make: MakeStore): void {
  const test = suite(`${name}: meta and peer ledger`)

  test('setMeta keeps a JSON value by name, getMeta gives it back (undefined when never set), also after a restart', onStore(make, PLENTY, async store => {
    assert.is(await store.getMeta('repair'), undefined)
    await store.setMeta('repair', { after: 'bafk', round: 3 })
    await store.setMeta('audit', [1, 2])
    await store.setMeta('repair', { after: 'bafz', round: 4 })
    await store.stop()
    await store.start()
    assert.equal(await store.getMeta('repair'), { after: 'bafz', round: 4 })
    assert.equal(await store.getMeta('audit'), [1, 2])
    await store.setMeta('audit', undefined)
    assert.is(await store.getMeta('audit'), undefined)
  }))

  test('a peer never seen has an all-zero record', onStore(make, PLENTY, async store => {
    assert.equal(await store.peerRecord('12D3KooWnobody'), { storedFor: 0, storedBy: 0, auditsPassed: 0, auditsFailed: 0 })
  }))

  test('updatePeer applies changes to one peer one at a time: concurrent updates all count', onStore(make, PLENTY, async store => {
    const updates = Array.from({ length: 50 }, async (_, i) => await store.updatePeer('a', old => ({ ...old, storedFor: old.storedFor + i, auditsPassed: old.auditsPassed + 1 })))
    await Promise.all([...updates, store.updatePeer('b', old => ({ ...old, auditsFailed: old.auditsFailed + 1 }))])
    assert.equal(await store.peerRecord('a'), { storedFor: 49 * 50 / 2, storedBy: 0, auditsPassed: 50, auditsFailed: 0 })
    assert.equal(await store.peerRecord('b'), { storedFor: 0, storedBy: 0, auditsPassed: 0, auditsFailed: 1 })
  }))

  test('updatePeer returns the new record; a bad mark is kept with its reason and time, and every peer is listed, also after a restart', onStore(make, PLENTY, async store => {
    const back = await store.updatePeer('x', old => ({ ...old, storedBy: 4096, bad: { reason: 'failed audit', since: 1234 } }))
    assert.equal(back, { storedFor: 0, storedBy: 4096, auditsPassed: 0, auditsFailed: 0, bad: { reason: 'failed audit', since: 1234 } })
    await store.updatePeer('y', old => ({ ...old, storedFor: 7 }))
    await store.stop()
    await store.start()
    const all: Array<[string, unknown]> = []
    for await (const entry of store.peerRecords()) all.push(entry)
    all.sort((a, b) => a[0].localeCompare(b[0]))
    assert.equal(all, [
      ['x', { storedFor: 0, storedBy: 4096, auditsPassed: 0, auditsFailed: 0, bad: { reason: 'failed audit', since: 1234 } }],
      ['y', { storedFor: 7, storedBy: 0, auditsPassed: 0, auditsFailed: 0 }]
    ])
  }))

  test('a record handed out is a copy: changing it changes nothing stored', onStore(make, PLENTY, async store => {
    const got = await store.updatePeer('p', old => ({ ...old, storedFor: 1 }))
    got.storedFor = 99
    const read = await store.peerRecord('p')
    read.storedFor = 98
    assert.is((await store.peerRecord('p')).storedFor, 1)
  }))

  test.run()
}
