import { resolve } from 'node:path'
import { stat } from 'node:fs/promises'
import { createStore, isVaultDir } from '@shoal/store'
import { dataDir, type CommonOptions } from '../context.js'
import { UsageError } from '../errors.js'
import type { CommandIo } from '../io.js'
import { parseSize } from '../size.js'
import type { Backend } from './backend.js'
import { chunkBackend } from './chunks.js'

/**
 * Local mode (--vault): a vault directory on this machine stands in for the network.
 * Only a command that stores (`create`) makes a new vault: a mistyped --vault on get or ls
 * is an error, not a fresh empty vault that then "lacks" every chunk.
 */
export async function openVaultBackend (options: CommonOptions & { vault: string }, io: Pick<CommandIo, 'env' | 'cwd'>, init: { create: boolean }): Promise<Backend> {
  const space = options.space !== undefined ? parseSize(options.space, '--space') : Number.MAX_SAFE_INTEGER
  const dir = resolve(io.cwd, options.vault)
  const existing = await stat(dir).catch(() => null)
  if (existing != null && !existing.isDirectory()) throw new UsageError(`--vault: ${dir} is not a directory`)
  if (!init.create && (existing === null || !await isVaultDir(dir))) throw new UsageError(`--vault: ${dir} is not a vault (nothing was ever put there)`)
  const store = createStore({ dir, space })
  await store.start()
  return chunkBackend({ sink: () => store, source: store, close: async () => { await store.stop() } }, { dataDir: dataDir(options, io) })
}
