import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { loadOrCreateConvergenceSecret, SHARED_CONVERGENCE_SECRET } from '@shoal/crypto'
import { UsageError } from './errors.js'
import type { CommandIo } from './io.js'

/** Flags every data command shares (commands/common.ts). */
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
export function dataDir (options: Pick<CommonOptions, 'data'>, io: Pick<CommandIo, 'env' | 'cwd'> = { env: process.env, cwd: process.cwd() }): string {
  return resolve(io.cwd, options.data ?? io.env.SHOAL_DATA ?? join(homedir(), '.shoal'))
}

/** `--convergence`: user (this data dir's secret, private dedup) or shared (network-wide). */
export function checkConvergence (mode: string | undefined): 'user' | 'shared' {
  const chosen = mode ?? 'user'
  if (chosen !== 'user' && chosen !== 'shared') throw new UsageError(`--convergence: '${chosen}' is not one of user, shared`)
  return chosen
}

/** The secret convergent keys are derived with: made once per data dir, or the shared one. */
export async function convergenceSecret (options: { convergence: 'user' | 'shared', data: string }): Promise<Uint8Array> {
  if (options.convergence === 'shared') return SHARED_CONVERGENCE_SECRET
  await mkdir(options.data, { recursive: true, mode: 0o700 })
  return await loadOrCreateConvergenceSecret(options.data)
}
