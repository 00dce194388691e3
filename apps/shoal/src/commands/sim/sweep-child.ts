// One point of a sweep as a child `shoal sim --json` run: the same code path as a run by
// hand, and each point's memory is given back when it ends.
import { spawn } from 'node:child_process'
import type { SimReport, SweepConfig, SweepPoint } from '@shoal/sim'
import { shoalBin } from '../../testnet.js'

export class SweepPointError extends Error {
  static readonly code = 'ERR_SWEEP_POINT'
  readonly code = SweepPointError.code
  override name = 'SweepPointError'
}

export interface PointRun {
  report: SimReport
  /** the child's CPU time, seconds (from its last line) */
  cpuSeconds: number
}

export function pointArgs (config: SweepConfig, point: SweepPoint): string[] {
  return [
    'sim', '--json',
    '--nodes', String(config.nodes), '--days', String(config.days),
    '--files', String(config.files), '--chunks-per-file', String(config.chunksPerFile),
    '--redundancy', point.redundancy,
    ...(point.repairInterval.ms === null ? ['--no-repair'] : ['--repair-interval', `${point.repairInterval.ms / 1000}s`]),
    '--churn', config.churn, '--churn-scale', String(point.churnScale),
    '--seed', String(point.seed)
  ]
}

/** Runs the point; `onDay` hears each simulated day; `signal` kills the child. */
export async function runPointChild (config: SweepConfig, point: SweepPoint, init: { cwd: string, signal?: AbortSignal, onDay?: (day: number) => void }): Promise<PointRun> {
  const child = spawn(process.execPath, [shoalBin, ...pointArgs(config, point)], { cwd: init.cwd, stdio: ['ignore', 'pipe', 'pipe'], signal: init.signal })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => { stdout += text })
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text
    for (const [, day] of text.matchAll(/day (\d+)\//g)) init.onDay?.(Number(day))
  })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  if (code !== 0) throw new SweepPointError(`shoal ${pointArgs(config, point).join(' ')} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`)
  const cpu = /CPU ([\d.]+) s/.exec(stderr)
  return { report: JSON.parse(stdout) as SimReport, cpuSeconds: cpu === null ? 0 : Number(cpu[1]) }
}
