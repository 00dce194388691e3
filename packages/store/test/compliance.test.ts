import { storeCompliance } from './compliance/store-compliance.js'
import { openTempStore } from './helpers.js'
import { createMemoryStore } from '../src/index.js'

storeCompliance('vault store on disk', async space => await openTempStore(space))
storeCompliance('store in memory', async space => {
  const store = createMemoryStore({ space })
  await store.start()
  return { store, cleanup: async () => { await store.stop() } }
})
