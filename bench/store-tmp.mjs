import { createStore } from '@shoal/store'
import { chunkCid } from '@shoal/manifest'
import { createHash, randomFillSync } from 'node:crypto'
import { rmSync } from 'node:fs'
const dir = '/tmp/pv4-' + Date.now()
const store = createStore({ dir, space: 1e12 }); await store.start()
const bufs = Array.from({ length: 256 }, () => randomFillSync(Buffer.allocUnsafe(1 << 20)))
const cids = bufs.map(b => chunkCid(createHash('sha256').update(b).digest()))
const c0 = process.cpuUsage(); const t = performance.now()
const running = new Set()
for (let i = 0; i < bufs.length; i++) { const p = store.put(cids[i], bufs[i]); running.add(p); p.then(() => running.delete(p)); if (running.size >= 8) await Promise.race(running) }
await Promise.all(running)
const c = process.cpuUsage(c0); const wall = performance.now() - t
console.log('store put 256 MiB: wall', wall.toFixed(0), 'ms =', (268.435 / wall * 1000).toFixed(0), 'MB/s; cpu user', (c.user / 1000).toFixed(0), 'sys', (c.system / 1000).toFixed(0))
await store.stop()
