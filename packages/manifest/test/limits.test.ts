// The format limits fit together: the inline limit fits in a chunk, the count caps are
// far above what fits inline, and one level of indirection always suffices.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  encodeManifest, sealManifest, MAX_CHUNKS_PER_MANIFEST, MAX_INLINE_MANIFEST_BYTES, MAX_MANIFEST_BYTES,
  MAX_CHUNK_REF_BYTES, MAX_ENTRIES_PER_DIRECTORY
} from '../src/index.js'
import type { ChunkRef, DirectoryEntry, Manifest } from '../src/index.js'
import { chunk, directoryManifest } from './helpers.js'

const MiB = 1024 * 1024
const MAX_CHUNK = 4 * MiB // the chunker's maximum (docs/architecture.md#put)
const MIN_CHUNK = 256 * 1024

/** Bytes one more chunk ref adds to a file manifest of realistic chunk sizes. */
function bytesPerRef (): number {
  const ref = (i: number): ChunkRef => ({ ...chunk(i, MiB + i), stored: MiB + i + 16 })
  const manifest = (n: number): Manifest => {
    const chunks = Array.from({ length: n }, (_, i) => ref(i))
    return { version: 1, type: 'file', size: chunks.reduce((s, c) => s + c.size, 0), chunks, redundancy: { scheme: 'replicate', replicas: 3 } }
  }
  return (encodeManifest(manifest(1001)).length - encodeManifest(manifest(1)).length) / 1000
}

test('a sealed inline manifest fits in one chunk', () => {
  assert.ok(MAX_INLINE_MANIFEST_BYTES + 40 < MAX_CHUNK)
  assert.ok(MAX_CHUNK_REF_BYTES >= MAX_CHUNK + 1024)
})

test('the chunk and entry caps are far above what fits inline', () => {
  const perRef = bytesPerRef()
  assert.ok(perRef > 100 && perRef < 140, `${perRef} bytes per chunk ref`)
  const inlineRefs = MAX_INLINE_MANIFEST_BYTES / perRef
  assert.ok(MAX_CHUNKS_PER_MANIFEST > 100 * inlineRefs)
  const entry: DirectoryEntry = directoryManifest().entries[0]
  const perEntry = encodeManifest({ version: 1, type: 'directory', entries: [entry] }).length
  assert.ok(MAX_ENTRIES_PER_DIRECTORY > 100 * (MAX_INLINE_MANIFEST_BYTES / perEntry))
})

test('a file at the chunk cap encodes within MAX_MANIFEST_BYTES', () => {
  assert.ok(MAX_CHUNKS_PER_MANIFEST * bytesPerRef() < MAX_MANIFEST_BYTES)
})

test('one level of indirection suffices: an indirect manifest for MAX_MANIFEST_BYTES of content seals inline', () => {
  const count = MAX_MANIFEST_BYTES / MIN_CHUNK
  const chunks = Array.from({ length: count }, (_, i) => ({ ...chunk(i, MIN_CHUNK), stored: MIN_CHUNK + 16 }))
  const indirect: Manifest = { version: 1, type: 'indirect', size: MAX_MANIFEST_BYTES, chunks }
  assert.ok(encodeManifest(indirect).length < MAX_INLINE_MANIFEST_BYTES / 4)
  sealManifest(indirect)
})

test.run()
