import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { CHURN_PRESETS, formatReport, simulate, type ChurnModel, type LookupMode } from '@shoal/sim'
import { parseDuration } from '../../duration.js'
import { UsageError } from '../../errors.js'
import { println, type CommandIo } from '../../io.js'
import { parseRedundancy } from '../../redundancy.js'

export interface SimFlags {
  nodes: string
  days: string
  files: string
  chunksPerFile: string
  redundancy: string
  repairInterval: string
  churn: string
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
  const churn = await churnModel(flags.churn, io.cwd)
  const started = performance.now()
  const progress = io.stderr.isTTY === true
    ? (day: number) => { io.stderr.write(`\rday ${day}/${days} (${seconds(started)})${day === days ? '\n' : ''}`) }
    : (day: number) => { println(io.stderr, `day ${day}/${days} (${seconds(started)})`) }
  const report = await simulate({ nodes, days, files, chunksPerFile, redundancy, repairIntervalMs, churn, churnName: flags.churn, seed, readsPerDay, repair: flags.repair, lookups: flags.lookups }, progress)
  println(io.stdout, flags.json === true ? JSON.stringify(report) : formatReport(report))
  // CPU time is the measure on a shared machine, where wall time depends on who else runs
  const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage()
  println(io.stderr, `simulated in ${seconds(started)} (CPU ${((userCPUTime + systemCPUTime) / 1e6).toFixed(1)} s), peak RSS ${Math.round(maxRSS / 1024)} MiB`)
}

async function churnModel (text: string, cwd: string): Promise<ChurnModel> {
  const preset = CHURN_PRESETS[text]
  if (preset !== undefined) return preset
  if (!text.endsWith('.json')) throw new UsageError(`--churn: '${text}' is neither a preset (${Object.keys(CHURN_PRESETS).join(', ')}) nor a .json file`)
  const model = JSON.parse(await readFile(resolve(cwd, text), 'utf8')) as ChurnModel
  if (typeof model.departuresPerDay !== 'number') throw new UsageError(`--churn: ${text} has no departuresPerDay (docs/simulation.md)`)
  return model
}

function whole (text: string, flag: string, min: number, max: number): number {
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag}: '${text}' is not a whole number from ${min} to ${max}`)
  return n
}

function seconds (since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`
}
