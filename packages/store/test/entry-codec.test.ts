// The index entry's lease cells: `granted` travels as a fifth cell, and an entry written
// before it existed (four cells) still reads, as granted 0.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { encode } from 'cborg'
import { decodeEntry, encodeEntry } from '../src/entry-codec.js'
import { makeLease } from './helpers.js'

test('granted round-trips; an entry without it reads as granted 0 and writes back with it', () => {
  const lease = { ...makeLease(1, 2_000), granted: 1_500 }
  const entry = { size: 10, storedAt: 1_000, leases: [lease], pinned: false, recovered: false }
  assert.is(decodeEntry(encodeEntry(entry)).leases[0].granted, 1_500)
  const old = encode([10, 1_000, 0, [[lease.owner, lease.expires, lease.signature, [3]]]])
  const read = decodeEntry(old)
  assert.equal(read.leases.map(l => [l.expires, l.granted, l.target]), [[2_000, 0, { scheme: 'replicate', replicas: 3 }]])
  assert.is(decodeEntry(encodeEntry(read)).leases[0].granted, 0)
})

test.run()
