import type { CommonOptions } from '../../context.js'
import { println, type CommandIo } from '../../io.js'
import { checkLease, DEFAULT_LEASE_MS } from '../../lease-flag.js'
import { withUpkeep } from '../upkeep-backend.js'
import { leaseFailure } from '../rm/handler.js'

export interface RenewFlags extends CommonOptions { lease?: string }

export async function renewHandler (uri: string, flags: RenewFlags, io: CommandIo): Promise<void> {
  const leaseMs = flags.lease === undefined ? DEFAULT_LEASE_MS : checkLease(flags.lease)
  const report = await withUpkeep('renew', uri, flags, io, async (upkeep, signal) => await upkeep.renew(uri, { leaseMs, signal }))
  if (flags.json === true) println(io.stdout, JSON.stringify({ ...report, expires: new Date(Date.now() + leaseMs).toISOString() }))
  else {
    println(io.stdout, `renewed ${report.done} blocks (${report.requests} holders) until ${new Date(Date.now() + leaseMs).toISOString()}; ${report.notFound} not found, ${report.failed} refused`)
    for (const error of report.errors) println(io.stderr, `shoal: ${error}`)
  }
  if (report.done === 0) throw leaseFailure('renew', report)
}
