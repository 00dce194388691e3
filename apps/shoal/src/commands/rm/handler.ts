import type { LeaseReport } from '@shoal/client'
import type { CommonOptions } from '../../context.js'
import { println, type CommandIo } from '../../io.js'
import { withUpkeep } from '../upkeep-backend.js'

export type RmFlags = CommonOptions

/** No holder took a renew or drop of any block. */
export class LeaseRequestError extends Error {
  static readonly code = 'ERR_LEASES'
  readonly code = LeaseRequestError.code
  override name = 'LeaseRequestError'
}

export function leaseFailure (command: string, report: LeaseReport): LeaseRequestError {
  const why = report.errors[0] !== undefined ? `: ${report.errors[0]}` : report.notFound > 0 ? ': no holder has any of its blocks' : ''
  return new LeaseRequestError(`${command}: no holder took it for any block${why}`)
}

export async function rmHandler (uri: string, flags: RmFlags, io: CommandIo): Promise<void> {
  const report = await withUpkeep('rm', uri, flags, io, async (upkeep, signal) => await upkeep.remove(uri, { signal }))
  if (flags.json === true) println(io.stdout, JSON.stringify(report))
  else {
    const kept = report.kept !== undefined ? `; ${report.kept} kept because another of your files uses them` : ''
    println(io.stdout, `dropped your leases on ${report.done} blocks (${report.requests} holders); ${report.notFound} not found, ${report.failed} refused${kept}; blocks nobody else leases are freed`)
    for (const error of report.errors) println(io.stderr, `shoal: ${error}`)
  }
  if (report.done === 0 && report.notFound === 0 && (report.kept ?? 0) === 0) throw leaseFailure('rm', report)
}
