// A vault's graceful leave: `shoal node --drain`, and SIGTERM or a first Ctrl-C, hand on
// every chunk whose other holders would be short without this vault, within a bound,
// and say what was handed off.
import type { ShoalNode } from '@shoal/node'
import { println, type CommandIo } from '../../io.js'

/** How long SIGTERM (or a first Ctrl-C) drains before the node stops: within `docker stop`'s 10 s grace. */
export const LEAVE_DRAIN_MS = 8_000

export interface DrainSummary { handedOff: number, failed: number, timedOut: boolean, seconds: number }

/** Runs the vault's drain within `deadlineMs` and prints its summary (one JSON object with --json). */
export async function drainVault (node: ShoalNode, deadlineMs: number, io: Pick<CommandIo, 'stdout'>, json: boolean): Promise<DrainSummary> {
  const repairer = node.repairer
  const started = Date.now()
  const outcome = repairer === null ? { handedOff: 0, failed: 0, timedOut: false } : await repairer.drain({ deadlineMs })
  const summary = { ...outcome, seconds: Math.round((Date.now() - started) / 100) / 10 }
  if (json) {
    println(io.stdout, JSON.stringify({ drain: summary }))
  } else {
    const late = summary.timedOut ? `; ran out of time after ${deadlineMs / 1000} s with chunks left to check` : ''
    println(io.stdout, `drain: ${summary.handedOff} chunks handed off, ${summary.failed} failed, ${summary.seconds} s${late}`)
  }
  return summary
}

/** Some chunks of a draining vault found no new holder (or time ran out): leaving now may lose them. */
export class DrainIncompleteError extends Error {
  static readonly code = 'ERR_DRAIN_INCOMPLETE'
  readonly code = DrainIncompleteError.code
  override name = 'DrainIncompleteError'
  constructor (readonly summary: DrainSummary, deadlineMs: number) {
    const what = summary.failed > 0 ? `${summary.failed} chunks could not be handed off` : 'not every chunk was looked at'
    const late = summary.timedOut ? ` (--drain-timeout ${deadlineMs / 1000} s ran out)` : ''
    super(`drain incomplete: ${what}${late}; ${summary.handedOff} were handed off. Their other holders are short: run the node again, or drain with a longer --drain-timeout`)
  }
}
