// What the restore bench reads of each vault process: its own account over its API
// (/v1/status: bytes held, the repair loop's counters) and the kernel's (/proc: CPU time,
// resident memory).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { TestnetNode } from '@shoal/cli'

/** The repair counters of /v1/status the bench adds up (a subset of the node's RepairMetrics). */
export interface RepairCounters {
  chunksRepaired: number
  repairBytesSent: number
  repairBytesFetched: number
  piecesRebuilt: number
  stripesRepaired: number
  stripesUnrecoverable: number
  handedOff: number
  auditsFailed: number
}

export interface VaultStatus { bytes: number, chunks: number, repair: RepairCounters }

export const NO_REPAIR: RepairCounters = { chunksRepaired: 0, repairBytesSent: 0, repairBytesFetched: 0, piecesRebuilt: 0, stripesRepaired: 0, stripesUnrecoverable: 0, handedOff: 0, auditsFailed: 0 }

/** A vault's /v1/status, asked with the API token from its data dir; bounded by `timeoutMs`. */
export async function vaultStatus (node: TestnetNode, timeoutMs = 10_000): Promise<VaultStatus> {
  const token = (await readFile(join(node.dataDir, 'api-token'), 'utf8')).trim()
  const res = await fetch(`${node.api}/v1/status`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) })
  if (!res.ok) throw new Error(`node ${node.index} /v1/status: HTTP ${res.status}`)
  const body = await res.json() as { store: { bytes: number, chunks: number }, repair: Partial<RepairCounters> | null }
  const repair = { ...NO_REPAIR }
  for (const key of Object.keys(NO_REPAIR) as Array<keyof RepairCounters>) repair[key] = body.repair?.[key] ?? 0
  return { bytes: body.store.bytes, chunks: body.store.chunks, repair }
}

/** The counters of `after` less those of `before`, field by field, summed over vaults. */
export function repairDelta (before: RepairCounters[], after: RepairCounters[]): RepairCounters {
  const total = { ...NO_REPAIR }
  for (const key of Object.keys(NO_REPAIR) as Array<keyof RepairCounters>) {
    total[key] = after.reduce((sum, a) => sum + a[key], 0) - before.reduce((sum, b) => sum + b[key], 0)
  }
  return total
}

let ticksPerSecond: number | undefined

/** CPU time (user + system) a process has used so far, in ms, from /proc/PID/stat; NaN where unreadable. */
export function cpuMs (pid: number | undefined): number {
  if (pid === undefined) return NaN
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 1000 / ticksPerSecond
  } catch {
    return NaN
  }
}

/** A process's resident set now and at its peak (VmRSS, VmHWM), in bytes; 0 where unreadable. */
export function rss (pid: number | undefined): { now: number, peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kib = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024
    return { now: kib('VmRSS'), peak: kib('VmHWM') }
  } catch {
    return { now: 0, peak: 0 }
  }
}
