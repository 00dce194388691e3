import { storeCompliance } from './compliance/store-compliance.js'
import { openTempStore } from './helpers.js'

storeCompliance('vault store on disk', async () => await openTempStore(64 * 1024 * 1024))
