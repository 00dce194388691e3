// One manifest, one encoding: byte-for-byte against vectors from an independent encoder,
// whatever the property order or entry order of the input.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decode, encode } from 'cborg'
import { decodeManifest, encodeManifest } from '../src/index.js'
import type { DirectoryManifest, FileManifest } from '../src/index.js'
import { directoryManifest, fileManifest, fixture, fromFixture, fromHex, hex, plain } from './helpers.js'

interface Vector { name: string, manifest: unknown, cbor: string }
const { vectors } = fixture<{ vectors: Vector[] }>('manifests.json')

test('encodings match the fixture vectors byte for byte, and decode back', () => {
  assert.is(vectors.length, 6)
  for (const v of vectors) {
    const manifest = fromFixture(v.manifest)
    assert.is(hex(encodeManifest(manifest)), v.cbor, v.name)
    assert.equal(plain(decodeManifest(fromHex(v.cbor))), plain(manifest), v.name)
  }
})

test('only a directory that holds a symlink is version 2 and only an erasure-coded file version 3, the first field a reader checks: an older reader says "upgrade" rather than drop the links or the stripes', () => {
  for (const v of vectors) {
    const record = decode(fromHex(v.cbor)) as { version: number, entries?: Array<{ type: string }>, redundancy?: { scheme: string } }
    const expected = record.entries?.some(e => e.type === 'symlink') === true ? 2 : record.redundancy?.scheme === 'erasure' ? 3 : 1
    assert.is(record.version, expected, v.name)
  }
  assert.ok(vectors.some(v => v.name === 'directory with symlinks'))
  assert.ok(vectors.some(v => v.name === 'file, erasure'))
})

test('same manifest, same bytes', () => {
  assert.equal(encodeManifest(fileManifest()), encodeManifest(fileManifest()))
  assert.equal(encodeManifest(directoryManifest()), encodeManifest(directoryManifest()))
})

test('property order of the input does not matter', () => {
  const m = fileManifest()
  const reordered = Object.fromEntries(Object.entries(m).reverse()) as unknown as FileManifest
  reordered.chunks = m.chunks.map(c => Object.fromEntries(Object.entries(c).reverse()) as any)
  reordered.redundancy = { replicas: 3, scheme: 'replicate' } as any
  assert.equal(encodeManifest(reordered), encodeManifest(m))
})

test('entries are encoded sorted by UTF-8 bytes, whatever order they come in', () => {
  const m = directoryManifest()
  const names = ['😀', 'ﬀ', 'a', 'B', 'é', 'e']
  const entries = names.map((name, i) => ({ ...m.entries[i % m.entries.length], name }))
  const forward = encodeManifest({ ...m, entries })
  const backward = encodeManifest({ ...m, entries: [...entries].reverse() })
  assert.equal(forward, backward)
  const decoded = decodeManifest(forward) as DirectoryManifest
  // UTF-16 (JS default) order would put '😀' before 'ﬀ'
  assert.equal(decoded.entries.map(e => e.name), ['B', 'a', 'e', 'é', 'ﬀ', '😀'])
})

test('readers accept map keys in any order; re-encoding restores canonical order', () => {
  const v = vectors[0]
  const record = decode(fromHex(v.cbor)) as Record<string, unknown>
  const reversed = Object.fromEntries(Object.entries(record).reverse())
  // cborg sorts keys itself, so write this map by hand: a plain list of pairs
  const bytes = encodeMapUnsorted(reversed)
  assert.not.equal(hex(bytes), v.cbor)
  const decoded = decodeManifest(bytes)
  assert.is(hex(encodeManifest(decoded)), v.cbor)
})

/** A CBOR map with keys in the order given (definite length, < 24 entries). */
function encodeMapUnsorted (record: Record<string, unknown>): Uint8Array {
  const parts = [Uint8Array.of(0xa0 + Object.keys(record).length)]
  for (const [key, value] of Object.entries(record)) parts.push(encode(key), encode(value))
  return new Uint8Array(Buffer.concat(parts))
}

test.run()
