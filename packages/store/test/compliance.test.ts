import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { createMemoryStore } from '../src/memory-store.js'
import { createStore } from '../src/index.js'
import { StoreClosedError } from '../src/errors.js'
import { storeCompliance } from './compliance/store-compliance.js'
import { blobFiles, diskAgrees, filesIn, makeTempDir, removeDir } from './helpers.js'

storeCompliance('vault store on disk', async space => {
  const dir = await makeTempDir()
  try {
    const store = createStore({ dir, space })
    return {
      store,
      // no temp file left behind, every blob intact, and (if open) stats that match the disk
      verify: async () => {
        assert.equal(await filesIn(join(dir, 'tmp')), [], 'tmp/ is empty')
        assert.equal((await blobFiles(dir)).filter(f => !f.intact), [], 'every blob is intact and in its shard')
        const check = await diskAgrees(dir, store).catch(err => {
          if (err instanceof StoreClosedError) return { ok: true, detail: 'stopped' }
          throw err
        })
        assert.ok(check.ok, check.detail)
      },
      cleanup: async () => {
        await store.stop()
        await removeDir(dir)
      }
    }
  } catch (err) {
    await removeDir(dir)
    throw err
  }
})

storeCompliance('store in memory', async space => {
  const store = createMemoryStore({ space })
  return { store, cleanup: async () => { await store.stop() } }
})
