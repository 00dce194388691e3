// Every kind of manifest survives encode -> decode unchanged.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeManifest, directoryVersion, encodeManifest, ERASURE_MANIFEST_VERSION, fileVersion, MANIFEST_VERSION, SYMLINK_MANIFEST_VERSION } from '../src/index.js'
import type { DirectoryManifest, FileManifest, Manifest } from '../src/index.js'
import { chunk, directoryManifest, erasureManifest, fileManifest, indirectManifest, linkedDirectoryManifest, plain } from './helpers.js'

function roundTrip (manifest: Manifest): Manifest {
  const decoded = decodeManifest(encodeManifest(manifest))
  assert.equal(plain(decoded), plain(manifest))
  return decoded
}

test('MANIFEST_VERSION is 1', () => {
  assert.is(MANIFEST_VERSION, 1)
})

test('file manifest with every field', () => {
  const decoded = roundTrip(fileManifest()) as FileManifest
  assert.ok(decoded.chunks[0].cid.equals(fileManifest().chunks[0].cid))
  assert.instance(decoded.chunks[0].key, Uint8Array)
})

test('file manifest with only the required fields', () => {
  const c = chunk(5)
  const decoded = roundTrip({ version: 1, type: 'file', size: c.size, chunks: [c], redundancy: { scheme: 'replicate', replicas: 1 } })
  assert.not.ok('name' in decoded)
  assert.not.ok('mode' in decoded)
  assert.not.ok('mtime' in decoded)
})

test('unset optional fields encode like absent ones', () => {
  const m = fileManifest()
  const { name: _name, mode: _mode, mtime: _mtime, ...bare } = m
  assert.equal(encodeManifest({ ...m, name: undefined, mode: undefined, mtime: undefined }), encodeManifest(bare))
})

test('empty file', () => {
  roundTrip({ version: 1, type: 'file', name: 'empty', size: 0, chunks: [], redundancy: { scheme: 'replicate', replicas: 3 } })
})

test('erasure-coded file: version 3, its stripes\' parity CIDs and sizes kept', () => {
  const decoded = roundTrip(erasureManifest()) as FileManifest
  assert.is(decoded.version, ERASURE_MANIFEST_VERSION)
  assert.is(fileVersion(decoded.redundancy), 3)
  assert.is(decoded.stripes?.length, 3)
  assert.ok(decoded.stripes?.[2].parity[0].equals(erasureManifest().stripes?.[2].parity[0]))
})

test('erasure-coded empty file: no chunks, no stripes', () => {
  roundTrip({ version: 3, type: 'file', size: 0, chunks: [], redundancy: { scheme: 'erasure', k: 4, m: 2 }, stripes: [] })
})

test('a replicated file is version 1 and has no stripes', () => {
  const decoded = roundTrip(fileManifest()) as FileManifest
  assert.is(decoded.version, 1)
  assert.not.ok('stripes' in decoded)
  assert.is(fileVersion(decoded.redundancy), MANIFEST_VERSION)
})

test('pre-1970 mtime', () => {
  roundTrip({ ...fileManifest(), mtime: -86_400_000 })
})

test('directory manifest', () => {
  roundTrip(directoryManifest())
})

test('directory with symlink entries: version 2, targets kept byte for byte, no size or capability', () => {
  const decoded = roundTrip(linkedDirectoryManifest()) as DirectoryManifest
  assert.is(decoded.version, SYMLINK_MANIFEST_VERSION)
  assert.equal(decoded.entries.map(e => e.type === 'symlink' ? [e.name, e.target] : [e.name, e.type]), [
    ['a.jpg', 'file'], ['abs', '/etc/hosts'], ['up', '../b/ünï ✓'], ['up-dir', '..']
  ])
  assert.equal(Object.keys(decoded.entries[1]).sort(), ['name', 'target', 'type'])
  assert.is(directoryVersion(decoded.entries), 2)
  assert.is(directoryVersion(directoryManifest().entries), 1)
})

test('empty directory', () => {
  roundTrip({ version: 1, type: 'directory', entries: [] })
})

test('indirect manifest', () => {
  roundTrip(indirectManifest())
})

test('decoded manifests do not share bytes with the input', () => {
  const bytes = encodeManifest(fileManifest())
  const decoded = decodeManifest(bytes) as FileManifest
  const key = Uint8Array.from(decoded.chunks[0].key)
  const cid = decoded.chunks[0].cid.toString()
  bytes.fill(0)
  assert.equal(decoded.chunks[0].key, key)
  assert.is(decoded.chunks[0].cid.toString(), cid)
})

test.run()
