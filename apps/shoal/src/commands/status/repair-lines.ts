// The repair loop's counters and the per-peer ledger as `shoal status` prints them.
import { formatBytes } from '../../size.js'

/** The repair loop's counters (RepairMetrics of @shoal/node), as /v1/status sends them. */
export interface RepairStatus {
  queueLength: number
  chunksRepaired: number
  repairBytesSent: number
  chunksUnderTarget: number
  stripesRepaired: number
  stripesUnrecoverable: number
  handedOff: number
  auditsPassed: number
  auditsFailed: number
  scrubbed: number
  collected: number
}

/** One peer's account with this vault. */
export interface LedgerEntry {
  peer: string
  storedFor: number
  storedBy: number
  auditsPassed: number
  auditsFailed: number
  bad?: { reason: string, since: number }
}

export function repairLines (repair: RepairStatus | null): string[] {
  if (repair === null) return ['repair  not running']
  return [
    `repair  ${repair.queueLength} queued, ${repair.chunksRepaired} chunks repaired (${formatBytes(repair.repairBytesSent)} sent), ${repair.chunksUnderTarget} found under target`,
    `        stripes ${repair.stripesRepaired} repaired, ${repair.stripesUnrecoverable} unrecoverable; ${repair.handedOff} handed off, ${repair.scrubbed} scrubbed, ${repair.collected} collected`,
    `audits  ${repair.auditsPassed} passed, ${repair.auditsFailed} failed`
  ]
}

/** The `top` peers by bytes either way, one line each, bad ones with their reason. */
export function ledgerLines (ledger: LedgerEntry[], top: number): string[] {
  if (ledger.length === 0) return []
  const shown = [...ledger].sort((a, b) => (b.storedFor + b.storedBy) - (a.storedFor + a.storedBy)).slice(0, top)
  const more = ledger.length > shown.length ? ` (top ${shown.length} of ${ledger.length} by bytes; --json lists all)` : ''
  const lines = [`ledger  stored for / by each peer, audits passed / failed${more}`]
  for (const entry of shown) {
    const bad = entry.bad !== undefined ? `  BAD since ${new Date(entry.bad.since).toISOString()}: ${entry.bad.reason}` : ''
    lines.push(`  ${entry.peer}  ${formatBytes(entry.storedFor)} / ${formatBytes(entry.storedBy)}  audits ${entry.auditsPassed} / ${entry.auditsFailed}${bad}`)
  }
  return lines
}
