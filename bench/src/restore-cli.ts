// The restore bench's client side: the real `shoal` CLI run in this process, as a user's
// short-lived client (--bootstrap, its own --data), and `shoal check --json` summed up.
import { Writable } from 'node:stream'
import { run } from '@shoal/cli'

export interface CliResult { code: number, out: string, err: string }

/** Runs `shoal ...args` in this process; its exit code, stdout and stderr. */
export async function shoalCli (args: string[]): Promise<CliResult> {
  let out = ''
  let err = ''
  const sink = (append: (s: string) => void): Writable => new Writable({ write (chunk: Buffer, _e, cb) { append(chunk.toString()); cb() } })
  const code = await run(args, { stdout: sink(s => { out += s }), stderr: sink(s => { err += s }), env: { PATH: process.env.PATH, HOME: process.env.HOME } })
  return { code, out, err }
}

/**
 * `shoalCli`, again (up to `tries` in all) while it fails to find any peer after joining:
 * on a loaded 2-core machine a fresh client's first lookup can miss its 10 s. Each retry
 * is printed.
 */
export async function shoalCliRetrying (args: string[], tries = 3): Promise<CliResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await shoalCli(args)
    if (result.code === 0 || !result.err.includes('ERR_NO_PEERS') || attempt >= tries) return result
    console.log(`  (shoal ${args[0]}: ${result.err.trim()}; trying again)`)
  }
}

/** One unit of `shoal check --json`: a replicated chunk (or manifest block), or a stripe. */
interface CheckUnit { kind: 'chunk' | 'stripe', cid?: string, index: number, path: string, live: number, target: number, recoverable: boolean }

export interface CheckSummary {
  units: number
  /** below target */
  short: number
  /** below target but recoverable: what repair can still put back */
  repairable: number
  /** not recoverable: every copy (or more than m pieces) gone */
  lost: number
  /** a few of the lost units, described */
  lostNames: string[]
  /** holders the check could not ask */
  unreachable: number
}

export const EMPTY_CHECK: CheckSummary = { units: 0, short: 0, repairable: 0, lost: 0, lostNames: [], unreachable: 0 }

/**
 * `shoal check URI --json` summed up; `where`: the location flags (a running node's
 * --data, or a client's --data and --bootstrap). Exit 1 with a JSON line is an
 * answer (something is not recoverable); anything else without one is an error.
 */
export async function checkFile (uri: string, where: string[]): Promise<CheckSummary> {
  const result = await shoalCliRetrying(['check', uri, '--json', ...where])
  const line = result.out.trim().split('\n').pop() ?? ''
  if (!line.startsWith('{')) throw new Error(`shoal check exited ${result.code}: ${result.err.trim()}`)
  const health = JSON.parse(line) as { units: CheckUnit[], unreachable: string[] }
  const lost = health.units.filter(u => !u.recoverable)
  return {
    units: health.units.length,
    short: health.units.filter(u => u.live < u.target).length,
    repairable: health.units.filter(u => u.recoverable && u.live < u.target).length,
    lost: lost.length,
    lostNames: lost.map(u => `${u.kind} ${u.index}${u.cid !== undefined ? ` (${u.cid.slice(0, 16)}…)` : ''} ${u.live}/${u.target}`),
    unreachable: health.unreachable.length
  }
}

export function addChecks (a: CheckSummary, b: CheckSummary): CheckSummary {
  return {
    units: a.units + b.units,
    short: a.short + b.short,
    repairable: a.repairable + b.repairable,
    lost: a.lost + b.lost,
    lostNames: [...a.lostNames, ...b.lostNames],
    unreachable: Math.max(a.unreachable, b.unreachable)
  }
}
