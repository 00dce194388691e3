import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { mkdir, stat } from 'node:fs/promises'
import { loadOrCreateConvergenceSecret, SHARED_CONVERGENCE_SECRET } from '@shoal/crypto'
import { createStore, type Store } from '@shoal/store'
import { UsageError } from './errors.js'
import { parseSize } from './size.js'

export interface CommonOptions {
  data?: string
  vault?: string
  space?: string
  convergence?: string
  json?: boolean
  quiet?: boolean
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
    throw new UsageError('no vault given: pass --vault DIR (network mode arrives with `shoal node`)')
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

export class InterruptedError extends Error {
  static readonly code = 'ERR_INTERRUPTED'
  readonly code = InterruptedError.code
  override name = 'InterruptedError'
  constructor () { super('interrupted') }
}
