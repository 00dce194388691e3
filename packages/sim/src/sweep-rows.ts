// What the sweep's charts plot, one row per mark, as plain numbers (the charts and the JSON
// say the same thing).
import type { SweepResult } from './sweep.js'

/** the kinds of durability mark */
export const LOST_ESTIMATE = 'files lost: estimate and 95% interval'
export const NONE_LOST = 'none lost: 95% upper bound'
export const MARKOV_MODEL = 'Markov model, departures only'

export interface DurabilityRow {
  redundancy: string
  repairInterval: string
  kind: typeof LOST_ESTIMATE | typeof NONE_LOST | typeof MARKOV_MODEL
  /** the yearly chance of losing a file: the estimate, or with none lost its upper bound */
  yearly: number
  low: number | null
  high: number | null
  filesLost: number
  files: number
}

export interface TrafficRow {
  redundancy: string
  churnScale: number
  departuresPerDay: number
  /** simulated bytes a vault sent for repair and hand-off per day, and the same in MiB */
  repairPerVaultDay: number
  repairMiBPerVaultDay: number
  /** the same as a share of the bytes a vault holds (the figure that carries over to larger vaults) */
  repairShareOfStored: number
  filesLost: number
}

/**
 * The durability study's points: the simulated yearly file loss with its interval (with no
 * file lost, its upper bound alone: a log scale has no place for 0) and, for replication,
 * the Markov model's figure for a file of the run's chunks.
 */
export function durabilityRows (result: SweepResult): DurabilityRow[] {
  const rows: DurabilityRow[] = []
  const labels = new Set(result.config.repairIntervals.map(i => i.label))
  for (const { redundancy, repairInterval, churnScale, report } of result.points) {
    if (report === null || churnScale !== 1 || !labels.has(repairInterval.label)) continue
    const { filesPerYear, model } = report.durability
    const lost = report.files.lost
    const base = { redundancy, repairInterval: repairInterval.label, filesLost: lost, files: report.files.total }
    rows.push(lost > 0
      ? { ...base, kind: LOST_ESTIMATE, yearly: filesPerYear.estimate, low: filesPerYear.low, high: filesPerYear.high }
      : { ...base, kind: NONE_LOST, yearly: filesPerYear.high, low: null, high: null })
    if (model !== null) {
      // a file is lost when any of its chunks is: 1 − (1 − p)^chunks
      const yearly = -Math.expm1(report.config.chunksPerFile * Math.log1p(-model.unitsPerYear))
      rows.push({ ...base, kind: MARKOV_MODEL, yearly, low: null, high: null })
    }
  }
  return rows
}

/** The traffic study's points: repair traffic per vault-day against the churn scale. */
export function trafficRows (result: SweepResult, departuresPerDay: number): TrafficRow[] {
  const rows: TrafficRow[] = []
  for (const { redundancy, repairInterval, churnScale, report } of result.points) {
    if (report === null || repairInterval.label !== result.config.repairInterval.label || !result.config.churnScales.includes(churnScale)) continue
    rows.push({
      redundancy,
      churnScale,
      departuresPerDay: departuresPerDay * churnScale,
      repairPerVaultDay: report.traffic.repairPerVaultDay,
      repairMiBPerVaultDay: report.traffic.repairPerVaultDay / (1024 * 1024),
      repairShareOfStored: report.storage.meanBytes === 0 ? 0 : report.traffic.repairPerVaultDay / report.storage.meanBytes,
      filesLost: report.files.lost
    })
  }
  return rows
}
