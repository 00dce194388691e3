// fast-check properties over what a vault reads back from its own disk (docs/fuzzing.md):
// index entries (CBOR, and the JSON of version 1) and blob file names. A flipped bit on
// disk must give a well-formed entry or the typed CorruptIndexEntryError (the index then
// treats the entry as unreadable and recovery rebuilds it), never a crash or a
// half-typed record that fails later.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { decode, encode } from 'cborg'
import { allocatedBy, comparable, fuzzParameters, hostileBytes, hostileText, leaseFieldsArb, targetArb, timeArb, typedOutcome } from '@shoal/fuzz'
import type { CID } from 'multiformats/cid'
import { parseBlobName, shardOf } from '../src/address.js'
import { decodeEntry, encodeEntry, type ChunkEntry } from '../src/entry-codec.js'
import { CorruptIndexEntryError } from '../src/errors.js'
import type { LeaseRecord } from '../src/records.js'
import { cidOf } from './helpers.js'

const CODES = [CorruptIndexEntryError.code]
const cidArb = fc.uint8Array({ maxLength: 8 }).map(cidOf)

const leaseArb = (own: CID): fc.Arbitrary<LeaseRecord> =>
  fc.record({ fields: leaseFieldsArb, target: targetArb(cidArb, own), granted: timeArb })
    .map(({ fields, target, granted }) => ({ ...fields, target, granted }))

const entryArb: fc.Arbitrary<ChunkEntry> = cidArb.chain(own => fc.record({
  size: fc.nat({ max: 4 * 1024 * 1024 + 16 }),
  storedAt: timeArb,
  leases: fc.array(leaseArb(own), { maxLength: 4 }),
  pinned: fc.boolean(),
  recovered: fc.boolean()
}))

/** What the rest of the store relies on in an entry it was handed. */
function assertWellFormed (entry: ChunkEntry): void {
  assert.ok(Number.isSafeInteger(entry.size) && entry.size >= 0, `size ${entry.size}`)
  assert.ok(Number.isSafeInteger(entry.storedAt), `storedAt ${entry.storedAt}`)
  assert.type(entry.pinned, 'boolean')
  assert.type(entry.recovered, 'boolean')
  assert.ok(Array.isArray(entry.leases))
  for (const lease of entry.leases) {
    assert.instance(lease.owner, Uint8Array)
    assert.instance(lease.signature, Uint8Array)
    assert.ok(Number.isSafeInteger(lease.expires), `expires ${lease.expires}`)
    assert.ok(Number.isSafeInteger(lease.granted), `granted ${lease.granted}`)
    const target = lease.target
    if (target.scheme === 'replicate') {
      assert.ok(Number.isSafeInteger(target.replicas) && target.replicas >= 1, `replicas ${target.replicas}`)
    } else {
      for (const n of [target.k, target.m, target.index]) assert.ok(Number.isSafeInteger(n) && n >= 0)
      assert.ok(target.k >= 1 && target.m >= 1 && target.index < target.k + target.m)
      assert.is(target.pieces.length, target.k + target.m)
      assert.is(target.sizes.length, target.k + target.m)
      for (const piece of target.pieces) assert.ok(piece.asCID === piece)
      for (const size of target.sizes) assert.ok(Number.isSafeInteger(size) && size >= 0)
    }
  }
}

test('decodeEntry(encodeEntry(x)) = x', () => {
  fc.assert(fc.property(entryArb, entry => {
    assert.equal(comparable(decodeEntry(encodeEntry(entry))), comparable(entry))
  }), fuzzParameters())
})

test('mutated entries (CBOR and version 1 JSON) decode well formed or throw CorruptIndexEntryError', () => {
  const version1 = fc.record({ size: fc.nat(), storedAt: timeArb }).map(e => Uint8Array.from(Buffer.from(JSON.stringify(e))))
  fc.assert(fc.property(hostileBytes(fc.oneof(entryArb.map(encodeEntry), version1)), bytes => {
    const result = typedOutcome(() => decodeEntry(bytes), CODES)
    if (result.ok) assertWellFormed(result.value)
  }), fuzzParameters())
})

test('entries of the right shape but wrong types throw CorruptIndexEntryError', () => {
  // a value that is not what the cell should hold, for any cell
  const junk = fc.oneof(fc.constant(null), fc.boolean(), fc.double(), fc.string({ maxLength: 4 }), fc.uint8Array({ maxLength: 4 }), fc.constant([]), fc.constant({}))
  fc.assert(fc.property(entryArb, fc.array(fc.nat()), junk, (entry, path, value) => {
    const cells = decode(encodeEntry(entry)) as unknown[]
    replaceSomewhere(cells, path, value)
    const result = typedOutcome(() => decodeEntry(encode(cells)), CODES)
    if (result.ok) assertWellFormed(result.value)
  }), fuzzParameters())
})

// shrunk counterexamples fast-check found before decodeEntry checked its cells
test('regression: a version 1 entry behind a stray byte, and a size cell holding an array, are CorruptIndexEntryError', () => {
  const strayByte = Uint8Array.from([0x00, ...Buffer.from('"size":0,"storedAt":9007199254740991}')])
  const arraySize = encode([[], 0, 0, []])
  for (const bytes of [strayByte, arraySize]) {
    const result = typedOutcome(() => decodeEntry(bytes), CODES)
    assert.not.ok(result.ok, Buffer.from(bytes).toString('hex'))
  }
})

test('an entry claiming 2^32 leases or a 4 GiB owner allocates nothing of the kind', () => {
  for (const bytes of [[0x84, 0x01, 0x01, 0x00, 0x9a, 0xff, 0xff, 0xff, 0xff], [0x84, 0x01, 0x01, 0x00, 0x81, 0x85, 0x5a, 0xff, 0xff, 0xff, 0xff]]) {
    const grew = allocatedBy(() => assert.not.ok(typedOutcome(() => decodeEntry(Uint8Array.from(bytes)), CODES).ok))
    assert.ok(grew < 16 * 1024 * 1024, `${grew} bytes allocated`)
  }
})

test('blob file names: a CID in its own shard parses back to itself; any other name is null', () => {
  const named = cidArb.chain(cid => fc.record({ cid: fc.constant(cid), name: hostileText(fc.constant(cid.toString()), 80), ownShard: fc.boolean() }))
  fc.assert(fc.property(named, ({ cid, name, ownShard }) => {
    const shard = ownShard ? shardOf(cid.multihash.digest) : ['00', '00'] as [string, string]
    const parsed = parseBlobName(name, shard)
    if (parsed !== null) {
      assert.is(parsed.toString(), name)
      assert.equal(shardOf(parsed.multihash.digest), shard)
    }
  }), fuzzParameters())
})

/** Replaces one cell, found by following `path` (indices modulo each array's length) down the nested arrays. */
function replaceSomewhere (cells: unknown[], path: number[], value: unknown): void {
  let node = cells
  for (const [depth, step] of path.entries()) {
    const at = step % node.length
    const child = node[at]
    if (depth < path.length - 1 && Array.isArray(child) && child.length > 0) node = child
    else { node[at] = value; return }
  }
  node[0] = value
}

test.run()
