import type { CommonOptions } from '../context.js'
import { findDaemon } from '../daemon-client.js'
import { UsageError } from '../errors.js'
import { withInterrupt } from '../interrupt.js'
import type { CommandIo } from '../io.js'
import type { Backend } from './backend.js'
import { daemonBackend } from './daemon.js'

const NO_BACKEND = 'no vault given: pass --vault DIR (local mode) or --bootstrap MULTIADDR (network mode)'

/**
 * The backend the flags choose: --vault a local vault, --bootstrap the network, neither
 * the daemon recorded in the data dir. `peers`: how many DHT peers the network must show
 * before the command starts (a put: its replicas).
 */
export async function openBackend (options: CommonOptions, io: Pick<CommandIo, 'env' | 'cwd'>, need: { peers?: number, signal: AbortSignal }): Promise<Backend> {
  const { vault, bootstrap } = options
  if (vault !== undefined) {
    // loaded on use: a command through the daemon should not load the store
    return await (await import('./vault.js')).openVaultBackend({ ...options, vault }, io)
  }
  if (bootstrap !== undefined && bootstrap.length > 0) {
    return await (await import('./network.js')).openNetworkBackend({ ...options, bootstrap }, io, need)
  }
  const daemon = await findDaemon(options, io) // a running `shoal node` of the data dir does the work
  if (daemon !== null) return daemonBackend(daemon)
  throw new UsageError(NO_BACKEND)
}

/**
 * Runs `fn` with the chosen backend and a signal Ctrl-C aborts; the backend is closed
 * afterwards whatever happens (a vault closed, a client node stopped).
 */
export async function withBackend<T> (options: CommonOptions, io: CommandIo, need: { peers?: number }, fn: (backend: Backend, signal: AbortSignal) => Promise<T>): Promise<T> {
  return await withInterrupt(io, async signal => {
    const backend = await openBackend(options, io, { ...need, signal })
    try {
      return await fn(backend, signal)
    } finally {
      await backend.close()
    }
  })
}
