// Every kind of manifest survives encode -> decode unchanged.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeManifest, encodeManifest, MANIFEST_VERSION } from '../src/index.js'
import type { FileManifest, Manifest } from '../src/index.js'
import { chunk, directoryManifest, fileManifest, indirectManifest, plain } from './helpers.js'

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

test('erasure redundancy', () => {
  roundTrip({ ...fileManifest(), redundancy: { scheme: 'erasure', k: 4, m: 2 } })
})

test('pre-1970 mtime', () => {
  roundTrip({ ...fileManifest(), mtime: -86_400_000 })
})

test('directory manifest', () => {
  roundTrip(directoryManifest())
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
