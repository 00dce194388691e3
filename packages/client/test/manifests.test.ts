import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { nobleCipher, nodeCipher } from '@shoal/crypto'
import { MAX_INLINE_MANIFEST_BYTES, type FileManifest } from '@shoal/manifest'
import { createSealer, getStream, loadManifest, putStream, readManifest, sealChunk, type ChunkSink, type ChunkSource } from '../src/index.js'
import { collect, from, MiB, openTempVault, pseudoRandom, SECRET, sha256hex } from './helpers.js'
import { parseCapability } from '@shoal/manifest'

/** Chunks in memory: this test is about manifests, not about the disk. */
function memoryVault (): ChunkSink & ChunkSource & { blocks: Map<string, Uint8Array> } {
  const blocks = new Map<string, Uint8Array>()
  return {
    blocks,
    async put (cid, bytes) { const had = blocks.has(cid.toString()); blocks.set(cid.toString(), bytes.slice()); return !had },
    async get (cid) { return blocks.get(cid.toString()) ?? null }
  }
}

test('a manifest too big for one block goes indirect and still round-trips', async () => {
  const vault = { store: memoryVault(), cleanup: async () => {} }
  try {
    // Tiny chunks make a huge chunk list: ~24k entries, well over the inline limit.
    const chunker = { minSize: 64, avgSize: 256, maxSize: 1024, normalization: 1 as const }
    const data = pseudoRandom(6 * MiB, 8)
    const result = await putStream(from(data), vault.store, { convergenceSecret: SECRET, chunker })
    assert.ok(result.chunks > 15_000, `${result.chunks} chunks`)
    const sealedRoot = await vault.store.get(parseCapability(result.uri).cid)
    assert.ok(sealedRoot != null && sealedRoot.byteLength < MAX_INLINE_MANIFEST_BYTES / 4, `the root block is small: ${sealedRoot?.byteLength}`)
    const manifest = await loadManifest(parseCapability(result.uri), vault.store) as FileManifest
    assert.is(manifest.type, 'file')
    assert.is(manifest.chunks.length, result.chunks)
    assert.is(sha256hex(await collect(getStream(result.uri, vault.store))), sha256hex(data))
  } finally { await vault.cleanup() }
})

test('worker threads and the calling thread seal identically', async () => {
  const vault = await openTempVault()
  try {
    const data = pseudoRandom(12 * MiB, 12)
    const inline = await putStream(from(data), vault.store, { convergenceSecret: SECRET, workers: 0 })
    const pooled = await putStream(from(data), vault.store, { convergenceSecret: SECRET, workers: 2 })
    assert.is(pooled.uri, inline.uri)
    const manifest = await readManifest(pooled.uri, vault.store) as FileManifest
    assert.is(manifest.size, data.byteLength)
  } finally { await vault.cleanup() }
})

test('a long-lived sealer serves several puts, is not closed by them, and seals identically', async () => {
  const vault = await openTempVault()
  const sealer = createSealer({ convergenceSecret: SECRET, compress: true, workers: 1 })
  try {
    const data = pseudoRandom(6 * MiB, 21)
    const own = await putStream(from(data), vault.store, { convergenceSecret: SECRET })
    const first = await putStream(from(data), vault.store, { convergenceSecret: SECRET, sealer })
    const second = await putStream(from(pseudoRandom(3 * MiB, 22)), vault.store, { convergenceSecret: SECRET, sealer })
    assert.is(first.uri, own.uri)
    assert.is(first.newChunks, 0)
    assert.ok(second.newChunks > 0, 'the sealer still works after a put finished')
    assert.is(sha256hex(await collect(getStream(second.uri, vault.store))), sha256hex(pseudoRandom(3 * MiB, 22)))
  } finally {
    await sealer.close()
    await vault.cleanup()
  }
})

test('sealing with noble gives the same chunk as node:crypto', () => {
  for (const size of [0, 1, 70_000, 1 * MiB]) {
    const plaintext = pseudoRandom(size, size + 5)
    const a = sealChunk(plaintext, SECRET, { compress: true, cipher: nodeCipher })
    const b = sealChunk(plaintext, SECRET, { compress: true, cipher: nobleCipher })
    assert.is(Buffer.compare(a.sealed, b.sealed), 0)
    assert.is(Buffer.compare(a.digest, b.digest), 0)
  }
})

test('compressed and uncompressed sealings of one plaintext never share a key', () => {
  const plaintext = Buffer.alloc(300_000, 'shoal ')
  const packed = sealChunk(plaintext, SECRET, { compress: true })
  const plain = sealChunk(plaintext, SECRET, { compress: false })
  assert.is(packed.compression, 'brotli')
  assert.is(plain.compression, 'none')
  // Same key with the zero nonce over two different messages would leak their XOR.
  assert.is.not(Buffer.from(packed.key).toString('hex'), Buffer.from(plain.key).toString('hex'))
})

test.run()
