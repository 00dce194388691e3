// The repair loop's and the ledger's flags of `shoal node`, in the units the node takes.
import type { LedgerPolicy, NodeRepairOptions } from '@shoal/node'
import { MAX_TIMER_MS, parseDuration } from '../../duration.js'
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
  const intervalMs = parseRepairInterval(flags.repairInterval)
  const repairBytesPerSecond = parseRepairBandwidth(flags.repairBandwidth)
  const ledger: Partial<LedgerPolicy> = {}
  if (flags.maxDebt !== undefined) ledger.maxDebt = parseSize(flags.maxDebt, '--max-debt')
  if (flags.allowance !== undefined) ledger.allowance = parseSize(flags.allowance, '--allowance')
  const drainTimeoutMs = parseDrainTimeout(flags.drainTimeout)
  return { repair: { intervalMs, repairBytesPerSecond }, ledger, drainTimeoutMs }
}

// Each takes the name the value came by (a flag, a SHOAL_* variable, a config key) for its message.

export function parseRepairInterval (text: string, flag = '--repair-interval'): number {
  return parseDuration(text, flag, { minMs: MIN_REPAIR_INTERVAL_MS, maxMs: MAX_TIMER_MS })
}

/** Bytes per second; a trailing `/s` is allowed. */
export function parseRepairBandwidth (text: string, flag = '--repair-bandwidth'): number {
  const bytesPerSecond = parseSize(text.replace(/\/s$/i, ''), flag)
  if (bytesPerSecond < 1) throw new UsageError(`${flag}: '${text}' is no bandwidth; e.g. 4MiB (per second)`)
  return bytesPerSecond
}

export function parseDrainTimeout (text: string, flag = '--drain-timeout'): number {
  return parseDuration(text, flag, { minMs: MIN_REPAIR_INTERVAL_MS, maxMs: MAX_TIMER_MS })
}
