// A vault left without peers (its bootstrap went away) dials its bootstrap again when it
// comes back, so it is found again: without that, kad-dht never learns of anyone and the
// vault's chunks are lost to the network while it runs.
import { test } from 'uvu'
import { setTimeout as delay } from 'node:timers/promises'
import { chunkKey } from '../src/closest-peers.js'
import { createNode, type ShoalNode } from '../src/index.js'
import { makeTempDir, MiB, nextLoopback, randomChunk, removeDir } from './helpers.js'

async function until (what: string, ms: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`)
    await delay(100)
  }
}

test('a vault whose bootstrap restarted dials it again and is found through it', async () => {
  const dirs = [await makeTempDir(), await makeTempDir()]
  const host = nextLoopback()
  let bootstrap: ShoalNode | undefined
  let vault: ShoalNode | undefined
  try {
    bootstrap = createNode({ dataDir: dirs[0], listen: [`/ip4/${host}/tcp/0`], space: 64 * MiB })
    await bootstrap.start()
    const address = bootstrap.multiaddrs[0]
    vault = createNode({ dataDir: dirs[1], listen: [`/ip4/${nextLoopback()}/tcp/0`], space: 64 * MiB, bootstrap: [address.toString()], rejoinIntervalMs: 200 })
    await vault.start()
    const alone = vault
    await bootstrap.stop()
    await until('the vault sees its only peer gone', 10_000, () => alone.libp2p.getConnections().length === 0)

    // the same peer key (its data dir) on the same address, knowing nobody
    bootstrap = createNode({ dataDir: dirs[0], listen: [address.decapsulate('/p2p').toString()], space: 64 * MiB })
    await bootstrap.start()
    const back = bootstrap
    const key = chunkKey(randomChunk(16).cid)
    await until('a lookup through the restarted bootstrap finds the vault', 10_000, async () =>
      (await back.closestPeers(key, 5, { signal: AbortSignal.timeout(2_000) }).catch(() => [])).some(p => p.equals(alone.peerId)))
  } finally {
    await vault?.stop()
    await bootstrap?.stop()
    await Promise.all(dirs.map(removeDir))
  }
})

test.run()
