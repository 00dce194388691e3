import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFile, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { blobFiles, expectedBlobPath, filesIn, openTempStore, randomChunk } from './helpers.js'

test('blobs live at blobs/<digest hex 0-1>/<digest hex 2-3>/<cid>, byte for byte', async () => {
  const { dir, store, cleanup } = await openTempStore()
  try {
    const chunks = Array.from({ length: 20 }, (_, i) => randomChunk(100 + i))
    for (const c of chunks) await store.put(c.cid, c.bytes)
    for (const c of chunks) {
      assert.equal(await readFile(expectedBlobPath(dir, c.cid)), Buffer.from(c.bytes))
    }
    const files = await blobFiles(dir)
    assert.is(files.length, chunks.length)
    // sharded by digest, not by the CID string (which always begins 'bafkrei')
    const shards = new Set(files.map(f => f.path.split(sep).slice(-3, -1).join('/')))
    assert.ok(shards.size > 15, `${shards.size} shards for 20 chunks`)
    assert.equal(await filesIn(join(dir, 'tmp')), [])
    assert.ok((await stat(join(dir, 'index'))).isDirectory())
    assert.ok((await stat(join(dir, 'quarantine'))).isDirectory())
  } finally { await cleanup() }
})

test.run()
