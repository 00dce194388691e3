import { dataDir, type CommonOptions } from '../context.js'
import { findDaemon } from '../daemon-client.js'
import { UsageError } from '../errors.js'
import { withInterrupt } from '../interrupt.js'
import type { CommandIo } from '../io.js'
import type { Backend } from './backend.js'
import { daemonBackend } from './daemon.js'

/** Neither --vault nor --bootstrap, and no node runs for the data dir: say how to get one. */
function noBackend (dir: string): UsageError {
  return new UsageError(`no shoal node is running for data dir ${dir}: start one with 'shoal node --data ${dir}', or pass --vault DIR (a local vault) or --bootstrap MULTIADDR (the network, without a node)`)
}

/**
 * The backend the flags choose: --vault a local vault, --bootstrap the network, neither
 * the daemon recorded in the data dir. `peers`: how many DHT peers the network must show
 * before the command starts (a put: its replicas).
 */
export async function openBackend (options: CommonOptions, io: Pick<CommandIo, 'env' | 'cwd'>, need: BackendNeed & { signal: AbortSignal }): Promise<Backend> {
  const { vault, bootstrap } = options
  if (vault !== undefined && bootstrap !== undefined && bootstrap.length > 0) {
    throw new UsageError('--vault and --bootstrap name two places for the data: give one (--vault DIR for a local vault, --bootstrap MULTIADDR for the network)')
  }
  if (vault !== undefined) {
    // loaded on use: a command through the daemon should not load the store
    return await (await import('./vault.js')).openVaultBackend({ ...options, vault }, io, { create: need.writes === true })
  }
  if (bootstrap !== undefined && bootstrap.length > 0) {
    return await (await import('./network.js')).openNetworkBackend({ ...options, bootstrap }, io, need)
  }
  const daemon = await findDaemon(options, io) // a running `shoal node` of the data dir does the work
  if (daemon !== null) return daemonBackend(daemon)
  throw noBackend(dataDir(options, io))
}

export interface BackendNeed {
  /** DHT peers the network must show before the command starts (a put: its replicas) */
  peers?: number
  /** the command stores data: a --vault that does not exist yet is made (reading commands never make one) */
  writes?: boolean
}

/**
 * Runs `fn` with the chosen backend and a signal Ctrl-C aborts; the backend is closed
 * afterwards whatever happens (a vault closed, a client node stopped).
 */
export async function withBackend<T> (options: CommonOptions, io: CommandIo, need: BackendNeed, fn: (backend: Backend, signal: AbortSignal) => Promise<T>): Promise<T> {
  return await withInterrupt(io, async signal => {
    const backend = await openBackend(options, io, { ...need, signal })
    try {
      return await fn(backend, signal)
    } finally {
      await backend.close()
    }
  })
}
