// `shoal node`'s values as its action gets them: the real command parses the arguments,
// then the flags, SHOAL_* variables and <data>/config.yaml are resolved; no node starts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command, OptionValues } from 'commander'
import { processIo } from '../src/io.js'
import type { NodeFlags } from '../src/commands/node/handler.js'
import { nodeCommand } from '../src/commands/node/index.js'
import { resolveNodeFlags } from '../src/commands/node/resolve-flags.js'

export interface Resolution {
  flags: NodeFlags
  /** <data>/config.yaml */
  path: string
}

/** A fresh data dir holding `config` as config.yaml (when given), removed after `fn`. */
export async function inDataDir<T> (config: string | undefined, fn: (dir: string, path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-config-'))
  try {
    if (config !== undefined) await writeFile(join(dir, 'config.yaml'), config)
    return await fn(dir, join(dir, 'config.yaml'))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** What `shoal node --data <dir> ...args` would run with, `env` its whole environment. */
export async function resolveIn (dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<NodeFlags> {
  const command = nodeCommand(processIo()).exitOverride()
  let flags: NodeFlags | undefined
  command.action(async (options: OptionValues, self: Command) => { flags = await resolveNodeFlags(options, self, { env, cwd: dir }) })
  await command.parseAsync(['--data', dir, ...args], { from: 'user' })
  if (flags === undefined) throw new Error('the action did not run')
  return flags
}

/** resolveIn a fresh data dir holding `config`. */
export async function resolve (config: string | undefined, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Resolution> {
  return await inDataDir(config, async (dir, path) => ({ flags: await resolveIn(dir, args, env), path }))
}

/** The error `fn` throws; fails the test when it throws none. */
export async function refusal (fn: () => Promise<unknown>): Promise<Error & { code?: string, location?: { file: string, line?: number, key?: string } }> {
  try {
    await fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('accepted; expected an error')
}
