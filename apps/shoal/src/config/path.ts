import { join, resolve } from 'node:path'
import type { CommandIo } from '../io.js'

export const CONFIG_FILE_NAME = 'config.yaml'

export interface ConfigPath {
  path: string
  /** named by --config or $SHOAL_CONFIG, so it must exist; the data dir's own may not */
  named: boolean
}

/** The config file: --config, then $SHOAL_CONFIG, then config.yaml in the data dir. */
export function configPath (options: { config?: string, dataDir: string }, io: Pick<CommandIo, 'env' | 'cwd'>): ConfigPath {
  const named = options.config ?? nonEmpty(io.env.SHOAL_CONFIG)
  if (named !== undefined) return { path: resolve(io.cwd, named), named: true }
  return { path: join(options.dataDir, CONFIG_FILE_NAME), named: false }
}

function nonEmpty (text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text
}
