// The sweep's two charts: durability against repair interval, repair traffic against churn.
import type { ChartSpec } from '@shoal/charts'
import { durabilityRows, LOST_ESTIMATE, MARKOV_MODEL, NONE_LOST, redundancyLabel, trafficRows, type SweepResult } from '@shoal/sim'

export function durabilityChart (result: SweepResult): ChartSpec {
  const { config } = result
  return {
    kind: 'line',
    title: 'Durability against repair interval',
    subtitle: [`yearly chance of losing a file, extrapolated from ${config.days}-day runs; churn ${config.churn}`, setup(result)],
    rows: durabilityRows(result) as unknown as ChartSpec['rows'],
    x: { field: 'repairInterval', title: 'repair interval (off: no repair)', order: config.repairIntervals.map(i => i.label) },
    y: { field: 'yearly', title: 'yearly chance of losing a file', scale: 'log', format: '.0e' },
    series: { field: 'redundancy', title: 'redundancy', order: config.redundancies.map(redundancyLabel) },
    interval: { low: 'low', high: 'high' },
    marker: { field: 'kind', title: 'mark', shapes: { [LOST_ESTIMATE]: 'circle', [NONE_LOST]: 'triangle-down', [MARKOV_MODEL]: 'diamond' } }
  }
}

export function trafficChart (result: SweepResult, departuresPerDay: number): ChartSpec {
  const { config } = result
  return {
    kind: 'line',
    title: 'Repair traffic against churn rate',
    subtitle: [`repair and hand-off sent per vault per day, repair every ${config.repairInterval.label}; ${fileMiBPerVault(result)} MiB of file data per vault before redundancy`, setup(result)],
    rows: trafficRows(result, departuresPerDay) as unknown as ChartSpec['rows'],
    x: { field: 'churnScale', title: `churn rate, × ${config.churn} (leaving for good ${percent(departuresPerDay)} a day at ×1; sessions 1/× as long)`, scale: 'log' },
    y: { field: 'repairMiBPerVaultDay', title: 'repair traffic per vault per day (MiB)' },
    series: { field: 'redundancy', title: 'redundancy', order: config.redundancies.map(redundancyLabel) }
  }
}

function setup ({ config }: SweepResult): string {
  return `${config.nodes} vaults, ${config.files} files of ${config.chunksPerFile} × 1 MiB, one run per point (seed ${config.seed})`
}

function fileMiBPerVault ({ config }: SweepResult): string {
  return Number((config.files * config.chunksPerFile / config.nodes).toPrecision(2)).toString()
}

function percent (x: number): string {
  return `${Number((x * 100).toPrecision(3))}%`
}
