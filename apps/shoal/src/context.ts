import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { mkdir, stat } from 'node:fs/promises'
import debug from 'debug'
import { loadOrCreateConvergenceSecret, SHARED_CONVERGENCE_SECRET } from '@shoal/crypto'
import { createStore, type Store } from '@shoal/store'
import type { ChunkSink, ChunkSource } from '@shoal/client'
import { UsageError } from './errors.js'
import { BOOTSTRAP_TIMEOUT_MS, checkBootstrap, checkListen, waitForDhtPeers } from './network.js'
import { parseSize } from './size.js'
import { surviveStrayRejections } from './stray-rejections.js'

const log = debug('shoal:client')

export interface CommonOptions {
  data?: string
  vault?: string
  space?: string
  convergence?: string
  json?: boolean
  quiet?: boolean
  bootstrap?: string[]
  listen?: string
}

/** The user's data dir: --data, then $SHOAL_DATA, then ~/.shoal. */
export function dataDir (options: CommonOptions): string {
  return resolve(options.data ?? process.env.SHOAL_DATA ?? join(homedir(), '.shoal'))
}

export async function convergenceSecret (options: CommonOptions): Promise<Uint8Array> {
  const mode = options.convergence ?? 'user'
  if (mode === 'shared') return SHARED_CONVERGENCE_SECRET
  if (mode !== 'user') throw new UsageError(`--convergence: '${mode}' is not one of user, shared`)
  const dir = dataDir(options)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  return await loadOrCreateConvergenceSecret(dir)
}

/** Local mode: a vault directory on this machine stands in for the network. */
export async function openVault (options: CommonOptions): Promise<Store> {
  if (options.vault === undefined) {
    throw new UsageError(NO_BACKEND)
  }
  const space = options.space !== undefined ? parseSize(options.space, '--space') : Number.MAX_SAFE_INTEGER
  const dir = resolve(options.vault)
  const existing = await stat(dir).catch(() => null)
  if (existing != null && !existing.isDirectory()) throw new UsageError(`--vault: ${dir} is not a directory`)
  const store = createStore({ dir, space })
  await store.start()
  return store
}

/** Runs `fn` with an open vault and always closes it, also on Ctrl-C. */
export async function withVault<T> (options: CommonOptions, fn: (store: Store, signal: AbortSignal) => Promise<T>): Promise<T> {
  const store = await openVault(options)
  const controller = new AbortController()
  const onSignal = (): void => controller.abort(new InterruptedError())
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    return await fn(store, controller.signal)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await store.stop()
  }
}

const NO_BACKEND = 'no vault given: pass --vault DIR (local mode) or --bootstrap MULTIADDR (network mode)'

/** Where a command's chunks go and come from: a local vault, or the network. */
export interface Chunks {
  /** a sink that keeps `replicas` copies of each chunk (a vault keeps one) */
  sink: (replicas: number) => ChunkSink
  source: () => ChunkSource
}

/**
 * Local mode with --vault; network mode with --bootstrap (a short-lived DHT client node
 * that joins, waits until the DHT shows `need.peers` peers, does the job and stops). Everything opened is closed, also on Ctrl-C.
 */
export async function withChunks<T> (options: CommonOptions, fn: (chunks: Chunks, signal: AbortSignal) => Promise<T>, need: { peers?: number } = {}): Promise<T> {
  if (options.vault !== undefined) {
    return await withVault(options, async (store, signal) => await fn({ sink: () => store, source: () => store }, signal))
  }
  const bootstrap = checkBootstrap(options.bootstrap)
  if (bootstrap.length === 0) throw new UsageError(NO_BACKEND)
  const listen = checkListen(options.listen ?? '/ip4/127.0.0.1/tcp/0')
  const dir = dataDir(options)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // loaded on use: local mode and --help should not pay for libp2p
  const { createNode, createNetworkSink, createNetworkSource, DHT_K } = await import('@shoal/node')
  // its own key under client/: a `shoal node` run on the same data dir keeps <dir>/peer-key,
  // and two nodes with one peer ID would confuse every peer that meets both
  const node = createNode({ dataDir: join(dir, 'client'), listen: [listen], space: 0, bootstrap, clientMode: true, bootstrapTimeoutMs: BOOTSTRAP_TIMEOUT_MS })
  // A download or upload must not die of a rejection libp2p left unhandled on one broken
  // connection: its own request fails, and goes to another holder.
  const stopSurviving = surviveStrayRejections(message => log(message))
  return await withInterrupt(async signal => {
    try {
      await node.start()
      // the join check's lookup answers what the operation's first lookup would
      const network = await waitForDhtPeers(node, { want: need.peers ?? 1, ask: DHT_K + 1, signal })
      return await fn({
        sink: replicas => createNetworkSink(node, { replicas, signal, network }),
        source: () => createNetworkSource(node, { signal, network })
      }, signal)
    } finally {
      await node.stop()
      stopSurviving()
    }
  })
}

/** Runs `fn` with a signal that Ctrl-C (or SIGTERM) aborts. */
async function withInterrupt<T> (fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const onSignal = (): void => controller.abort(new InterruptedError())
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    return await fn(controller.signal)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

export class InterruptedError extends Error {
  static readonly code = 'ERR_INTERRUPTED'
  readonly code = InterruptedError.code
  override name = 'InterruptedError'
  constructor () { super('interrupted') }
}
