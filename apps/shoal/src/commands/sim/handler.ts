import { formatReport, scaleChurn, simulate, type LookupMode } from '@shoal/sim'
import { parseDuration } from '../../duration.js'
import { UsageError } from '../../errors.js'
import { println, type CommandIo } from '../../io.js'
import { parseRedundancy } from '../../redundancy.js'
import { churnModel, positive, whole } from './sim-flags.js'

export interface SimFlags {
  nodes: string
  days: string
  files: string
  chunksPerFile: string
  redundancy: string
  repairInterval: string
  churn: string
  churnScale: string
  readsPerDay?: string
  seed: string
  repair: boolean
  lookups: LookupMode
  json?: boolean
}

/** Runs one simulation: a progress line per simulated day on stderr, the report on stdout. */
export async function simHandler (flags: SimFlags, io: CommandIo): Promise<void> {
  const nodes = whole(flags.nodes, '--nodes', 3, 1_000_000)
  const days = whole(flags.days, '--days', 1, 3650)
  const files = whole(flags.files, '--files', 1, 10_000_000)
  const chunksPerFile = whole(flags.chunksPerFile, '--chunks-per-file', 1, 10_000)
  const seed = whole(flags.seed, '--seed', 0, 0xffff_ffff)
  const readsPerDay = flags.readsPerDay === undefined ? undefined : whole(flags.readsPerDay, '--reads-per-day', 0, 10_000_000)
  const redundancy = parseRedundancy(flags.redundancy)
  const width = redundancy.scheme === 'replicate' ? redundancy.replicas : redundancy.k + redundancy.m
  if (width > nodes) throw new UsageError(`--redundancy ${flags.redundancy} needs at least ${width} vaults, --nodes is ${nodes}`)
  const repairIntervalMs = parseDuration(flags.repairInterval, '--repair-interval', { minMs: 1000 })
  const churnScale = positive(flags.churnScale, '--churn-scale')
  const churn = scaleChurn(await churnModel(flags.churn, io.cwd), churnScale)
  const churnName = churnScale === 1 ? flags.churn : `${flags.churn}×${churnScale}`
  const started = performance.now()
  const progress = io.stderr.isTTY === true
    ? (day: number) => { io.stderr.write(`\rday ${day}/${days} (${seconds(started)})${day === days ? '\n' : ''}`) }
    : (day: number) => { println(io.stderr, `day ${day}/${days} (${seconds(started)})`) }
  const report = await simulate({ nodes, days, files, chunksPerFile, redundancy, repairIntervalMs, churn, churnName, seed, readsPerDay, repair: flags.repair, lookups: flags.lookups }, progress)
  println(io.stdout, flags.json === true ? JSON.stringify(report) : formatReport(report))
  // CPU time is the measure on a shared machine, where wall time depends on who else runs
  const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage()
  println(io.stderr, `simulated in ${seconds(started)} (CPU ${((userCPUTime + systemCPUTime) / 1e6).toFixed(1)} s), peak RSS ${Math.round(maxRSS / 1024)} MiB`)
}

function seconds (since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`
}
