import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { createMemoryStore } from '../src/memory-store.js'
import { createStore, type Store } from '../src/index.js'
import { StoreClosedError } from '../src/errors.js'
import { storeCompliance } from './compliance/store-compliance.js'
import { blobFiles, diskAgrees, filesIn, makeTempDir, removeDir } from './helpers.js'

storeCompliance('vault store on disk', async space => {
  const dir = await makeTempDir()
  try {
    const store = createStore({ dir, space })
    const reopened: Store[] = []
    return {
      store,
      reopen: () => {
        const again = createStore({ dir, space })
        reopened.push(again)
        return again
      },
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
        for (const each of [store, ...reopened]) await each.stop()
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
