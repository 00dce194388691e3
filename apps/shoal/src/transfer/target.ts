// Where a get writes, decided from the manifest before a byte is fetched: `-o PATH` as
// given, or inside it under the recorded name when PATH is a directory that exists (as
// `cp` does); without -o, the recorded name in the working directory (as `ipfs get` and
// `uplink cp` do). What is there already is refused unless the get may replace it (--force).
import { lstat, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { checkLocalName, OutputExistsError } from '@shoal/client'
import type { Listing } from '../backend/backend.js'
import { showName } from '../commands/escape.js'
import { UsageError } from '../errors.js'

export interface TargetOptions {
  /** -o as typed (relative to `cwd`); none: the recorded name in `cwd` */
  output?: string
  cwd: string
  /** replace what is at the target (--force) */
  force: boolean
}

/** The absolute path a get of `top` writes to; throws when it may not. */
export async function chooseTarget (top: Listing, options: TargetOptions): Promise<string> {
  if (options.output === undefined) {
    if (top.name === undefined) throw new UsageError(`the URI records no name for the ${top.type}: say where to write it with -o PATH`)
    checkLocalName(top.name)
    const target = join(options.cwd, top.name)
    await refuseExisting(target, options.force)
    return target
  }
  const given = resolve(options.cwd, options.output)
  let target = given
  if ((await stat(given).catch(() => null))?.isDirectory() === true) {
    if (top.name === undefined) throw new UsageError(`-o: ${showName(options.output)} is a directory, and the URI records no name to write the ${top.type} under in it: give -o the path of the new ${top.type}`)
    checkLocalName(top.name)
    target = join(given, top.name)
  } else {
    await checkParent(options.output, given)
  }
  await refuseExisting(target, options.force)
  return target
}

/** What the path needs before anything is fetched: an existing parent directory. */
export async function checkParent (output: string, path: string): Promise<void> {
  if (output.endsWith('/')) throw new UsageError(`-o: ${showName(output)} is not a directory`)
  const parent = await stat(dirname(path)).catch(() => null)
  if (parent == null || !parent.isDirectory()) throw new UsageError(`-o: ${showName(dirname(path))} is not a directory`)
}

/** Something at `target` (a dangling link too) is refused unless it may be replaced. */
export async function refuseExisting (target: string, force: boolean): Promise<void> {
  if (force) return
  if (await lstat(target).catch(() => null) !== null) throw new OutputExistsError(target, showName(target), ' (--force replaces it)')
}
