// A sweep: one simulation per point of two grids, for the charts of docs/simulation.md.
// The durability study runs each redundancy at each repair interval (churn as given); the
// traffic study runs each redundancy at each churn scale (repair at one interval). A point
// in both is run once. Each point's seed comes from the sweep's seed and the point itself,
// so a point gives the same report whatever else the grid holds and in whatever order the
// points run.
import { createHash } from 'node:crypto'
import type { Redundancy } from '@shoal/manifest'
import type { SimReport } from './report.js'

export interface RepairSetting {
  /** as the user wrote it: '6h', or 'off' */
  label: string
  /** null: the vaults run no repair loop */
  ms: number | null
}

export interface SweepConfig {
  nodes: number
  days: number
  files: number
  chunksPerFile: number
  /** a preset name or a churn model file, as `shoal sim --churn` takes it */
  churn: string
  seed: number
  redundancies: Redundancy[]
  /** the durability study's repair settings */
  repairIntervals: RepairSetting[]
  /** the traffic study's churn scales (sweep-churn.ts) and its one repair setting */
  churnScales: number[]
  repairInterval: RepairSetting
}

export interface SweepPoint {
  /** 'replicate:3', 'rs:4+2' */
  redundancy: string
  repairInterval: RepairSetting
  churnScale: number
  seed: number
}

/** a point's report, or why its run failed (the sweep goes on without it) */
export type PointOutcome = { report: SimReport } | { report: null, error: string }

export interface SweepResult {
  config: SweepConfig
  points: Array<SweepPoint & PointOutcome>
}

export function redundancyLabel (r: Redundancy): string {
  return r.scheme === 'replicate' ? `replicate:${r.replicas}` : `rs:${r.k}+${r.m}`
}

/** Every point of both studies, each once: the durability study's first, then the traffic study's. */
export function sweepPoints (config: SweepConfig): SweepPoint[] {
  const points = new Map<string, SweepPoint>()
  const add = (redundancy: string, repairInterval: RepairSetting, churnScale: number): void => {
    const key = pointKey(redundancy, repairInterval, churnScale)
    if (!points.has(key)) points.set(key, { redundancy, repairInterval, churnScale, seed: pointSeed(config.seed, key) })
  }
  for (const r of config.redundancies) for (const interval of config.repairIntervals) add(redundancyLabel(r), interval, 1)
  for (const r of config.redundancies) for (const scale of config.churnScales) add(redundancyLabel(r), config.repairInterval, scale)
  return [...points.values()]
}

/** Runs `run` on every point, `jobs` at a time, and gives the outcomes in the points' order. */
export async function runSweep (
  config: SweepConfig,
  run: (point: SweepPoint) => Promise<PointOutcome>,
  options: { jobs?: number } = {}
): Promise<SweepResult> {
  const points = sweepPoints(config)
  const outcomes: PointOutcome[] = new Array(points.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < points.length) {
      const i = next++
      outcomes[i] = await run(points[i])
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs ?? 1, points.length)) }, worker))
  return { config, points: points.map((p, i) => ({ ...p, ...outcomes[i] })) }
}

function pointKey (redundancy: string, interval: RepairSetting, churnScale: number): string {
  return `${redundancy}|${interval.ms ?? 'off'}|${churnScale}`
}

/** A 32-bit seed from the sweep's seed and the point: independent of the grid and its order. */
function pointSeed (seed: number, key: string): number {
  return createHash('sha256').update(`${seed}|${key}`).digest().readUInt32BE(0)
}
