// The repair loop's and the ledger's flags of `shoal node`, in the units the node takes.
import type { LedgerPolicy, NodeRepairOptions } from '@shoal/node'
import { parseDuration } from '../../duration.js'
import { UsageError } from '../../errors.js'
import { parseSize } from '../../size.js'

export interface RepairFlags {
  repairInterval: string
  repairBandwidth: string
  maxDebt?: string
  allowance?: string
  drainTimeout: string
}

export interface RepairChoice {
  repair: NodeRepairOptions
  ledger: Partial<LedgerPolicy>
  drainTimeoutMs: number
}

/** Below a second a vault would do little but ask its peers HAS. */
const MIN_REPAIR_INTERVAL_MS = 1000

export function parseRepairFlags (flags: RepairFlags): RepairChoice {
  const intervalMs = parseDuration(flags.repairInterval, '--repair-interval', { minMs: MIN_REPAIR_INTERVAL_MS })
  const repairBytesPerSecond = parseSize(flags.repairBandwidth.replace(/\/s$/i, ''), '--repair-bandwidth')
  if (repairBytesPerSecond < 1) throw new UsageError(`--repair-bandwidth: '${flags.repairBandwidth}' is no bandwidth; e.g. 4MiB (per second)`)
  const ledger: Partial<LedgerPolicy> = {}
  if (flags.maxDebt !== undefined) ledger.maxDebt = parseSize(flags.maxDebt, '--max-debt')
  if (flags.allowance !== undefined) ledger.allowance = parseSize(flags.allowance, '--allowance')
  const drainTimeoutMs = parseDuration(flags.drainTimeout, '--drain-timeout', { minMs: MIN_REPAIR_INTERVAL_MS })
  return { repair: { intervalMs, repairBytesPerSecond }, ledger, drainTimeoutMs }
}
