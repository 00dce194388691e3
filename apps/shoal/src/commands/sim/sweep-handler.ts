import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { renderChart } from '@shoal/charts'
import { runSweep, sweepPoints, type RepairSetting, type SweepConfig, type SweepResult } from '@shoal/sim'
import { parseDuration } from '../../duration.js'
import { UsageError } from '../../errors.js'
import { println, type CommandIo } from '../../io.js'
import { parseRedundancy } from '../../redundancy.js'
import { churnModel, positive, whole } from './sim-flags.js'
import { runPointChild, SweepPointError } from './sweep-child.js'
import { durabilityChart, trafficChart } from './sweep-charts.js'

export interface SweepFlags {
  out: string
  redundancies: string
  repairIntervals: string
  churnScales: string
  repairInterval: string
  nodes: string
  days: string
  files: string
  chunksPerFile: string
  churn: string
  seed: string
  jobs: string
  redraw?: boolean
}

/** The files a sweep writes into --out. */
export const SWEEP_FILES = { points: 'sweep.json', durability: 'durability-vs-repair-interval.svg', traffic: 'repair-traffic-vs-churn.svg' }

/** Runs every point as a child `shoal sim`, with a progress line on stderr; writes the JSON and the charts. */
export async function sweepHandler (flags: SweepFlags, io: CommandIo): Promise<void> {
  if (flags.redraw === true) {
    const out = resolve(io.cwd, flags.out)
    const result = JSON.parse(await readFile(join(out, SWEEP_FILES.points), 'utf8')) as SweepResult
    await drawCharts(out, result, (await churnModel(result.config.churn, io.cwd)).departuresPerDay)
    println(io.stdout, [SWEEP_FILES.durability, SWEEP_FILES.traffic].map(f => join(out, f)).join('\n'))
    return
  }
  const config: SweepConfig = {
    nodes: whole(flags.nodes, '--nodes', 3, 1_000_000),
    days: whole(flags.days, '--days', 1, 3650),
    files: whole(flags.files, '--files', 1, 10_000_000),
    chunksPerFile: whole(flags.chunksPerFile, '--chunks-per-file', 1, 10_000),
    churn: flags.churn,
    seed: whole(flags.seed, '--seed', 0, 0xffff_ffff),
    redundancies: list(flags.redundancies, '--redundancies').map(r => parseRedundancy(r, '--redundancies')),
    repairIntervals: list(flags.repairIntervals, '--repair-intervals').map(i => repairSetting(i, '--repair-intervals')),
    churnScales: list(flags.churnScales, '--churn-scales').map(x => positive(x, '--churn-scales')),
    repairInterval: repairSetting(flags.repairInterval, '--repair-interval')
  }
  const jobs = whole(flags.jobs, '--jobs', 1, 64)
  for (const r of config.redundancies) {
    const width = r.scheme === 'replicate' ? r.replicas : r.k + r.m
    if (width > config.nodes) throw new UsageError(`--redundancies: ${r.scheme === 'replicate' ? `replicate:${r.replicas}` : `rs:${r.k}+${r.m}`} needs at least ${width} vaults, --nodes is ${config.nodes}`)
  }
  const { departuresPerDay } = await churnModel(config.churn, io.cwd)
  const out = resolve(io.cwd, flags.out)
  await mkdir(out, { recursive: true })

  const total = sweepPoints(config).length
  const started = performance.now()
  let cpu = 0
  let done = 0
  const tty = io.stderr.isTTY === true
  const result = await runSweep(config, async point => {
    const what = `${point.redundancy}, repair ${point.repairInterval.label}, churn ×${point.churnScale}`
    const onDay = tty ? (day: number) => { io.stderr.write(`\r\x1b[K[${done + 1}/${total}] ${what}: day ${day}/${config.days} (${clock(started)})`) } : undefined
    const head = (): string => `${tty ? '\r\x1b[K' : ''}[${++done}/${total}] ${what}`
    try {
      const run = await runPointChild(config, point, { cwd: io.cwd, signal: io.signal, onDay })
      cpu += run.cpuSeconds
      const r = run.report
      println(io.stderr, `${head()}: ${r.files.lost} of ${r.files.total} files lost, repair ${mib(r.traffic.repairPerVaultDay)} MiB per vault-day (CPU ${run.cpuSeconds.toFixed(1)} s, ${clock(started)} in all)`)
      return { report: r }
    } catch (err) {
      if (!(err instanceof SweepPointError)) throw err
      println(io.stderr, `${head()}: FAILED, left out of the charts: ${err.message}`)
      return { report: null, error: err.message }
    }
  }, { jobs })
  await writeFile(join(out, SWEEP_FILES.points), JSON.stringify(result, null, 2) + '\n')
  await drawCharts(out, result, departuresPerDay)
  println(io.stderr, `${total} points in ${clock(started)} (CPU of the runs ${cpu.toFixed(0)} s)`)
  println(io.stdout, Object.values(SWEEP_FILES).map(f => join(out, f)).join('\n'))
}

async function drawCharts (out: string, result: SweepResult, departuresPerDay: number): Promise<void> {
  await writeFile(join(out, SWEEP_FILES.durability), await renderChart(durabilityChart(result)))
  await writeFile(join(out, SWEEP_FILES.traffic), await renderChart(trafficChart(result, departuresPerDay)))
}

function list (text: string, flag: string): string[] {
  const items = text.split(',').map(s => s.trim()).filter(s => s !== '')
  if (items.length === 0) throw new UsageError(`${flag}: give at least one value`)
  return items
}

function repairSetting (text: string, flag: string): RepairSetting {
  return text === 'off' ? { label: 'off', ms: null } : { label: text, ms: parseDuration(text, flag, { minMs: 1000 }) }
}

function clock (since: number): string {
  const s = Math.round((performance.now() - since) / 1000)
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`
}

function mib (bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1)
}
