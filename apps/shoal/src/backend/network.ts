import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import debug from 'debug'
import { dataDir, type CommonOptions } from '../context.js'
import type { CommandIo } from '../io.js'
import { BOOTSTRAP_TIMEOUT_MS, checkBootstrap, checkListen, waitForDhtPeers } from '../network.js'
import { surviveStrayRejections } from '../stray-rejections.js'
import type { Backend } from './backend.js'
import { chunkBackend } from './chunks.js'
import { networkUpkeep } from './upkeep.js'
import { parsePublicRanges } from '../commands/node/public-ranges.js'

const log = debug('shoal:client')

export interface NetworkNeed {
  /** DHT peers to wait for before starting (a put: as many as its replicas) */
  peers?: number
  /** aborts the join and every request of the command */
  signal: AbortSignal
}

/**
 * Network mode (--bootstrap): a short-lived DHT client node that joins, waits until the
 * DHT shows `need.peers` peers, serves the command and is stopped by close().
 */
export async function openNetworkBackend (options: CommonOptions & { bootstrap: string[] }, io: Pick<CommandIo, 'env' | 'cwd'>, need: NetworkNeed): Promise<Backend> {
  const bootstrap = checkBootstrap(options.bootstrap)
  const listen = checkListen(options.listen ?? '/ip4/127.0.0.1/tcp/0')
  const dir = dataDir(options, io)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // loaded on use: local mode and --help should not pay for libp2p
  const { createNode, createNetworkSink, createNetworkSource, DHT_K } = await import('@shoal/node')
  // its own key under client/: a `shoal node` run on the same data dir keeps <dir>/peer-key,
  // and two nodes with one peer ID would confuse every peer that meets both
  // $SHOAL_PUBLIC_RANGES, as `shoal node` reads it: behind a NAT lab's router the client
  // must know its router's reserved address counts as public, to hole-punch to vaults
  const publicRanges = parsePublicRanges(io.env.SHOAL_PUBLIC_RANGES?.split(/[\s,]+/).filter(r => r !== ''), 'SHOAL_PUBLIC_RANGES')
  const node = createNode({ dataDir: join(dir, 'client'), listen: [listen], space: 0, bootstrap, clientMode: true, bootstrapTimeoutMs: BOOTSTRAP_TIMEOUT_MS, reachability: { publicRanges } })
  // A download or upload must not die of a rejection libp2p left unhandled on one broken
  // connection: its own request fails, and goes to another holder.
  const stopSurviving = surviveStrayRejections(message => log(message))
  const stop = async (): Promise<void> => {
    try {
      await node.stop()
    } finally {
      stopSurviving()
    }
  }
  try {
    await node.start()
    // the join check's lookup answers what the operation's first lookup would
    const network = await waitForDhtPeers(node, { want: need.peers ?? 1, ask: DHT_K + 1, signal: need.signal })
    const source = createNetworkSource(node, { signal: need.signal, network })
    return chunkBackend({
      sink: (replicas, leaseMs) => createNetworkSink(node, { replicas, signal: need.signal, network, ...(leaseMs !== undefined ? { leaseMs } : {}) }),
      source,
      // its own lookups: the join's view may be a few peers, and check must find every holder
      upkeep: networkUpkeep(node, createNetworkSource(node, { signal: need.signal })),
      close: stop
    }, { dataDir: dir })
  } catch (err) {
    await stop()
    throw err
  }
}
