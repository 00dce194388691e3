import { readFileSync } from 'node:fs'

export interface Measurement { label: string, bytes: number, seconds: number }

export function mbps (m: Measurement): number {
  return m.bytes / 1e6 / m.seconds
}

export function report (m: Measurement, extra = ''): Measurement {
  console.log(`${m.label.padEnd(46)} ${mbps(m).toFixed(0).padStart(6)} MB/s  (${(m.bytes / 1048576).toFixed(0)} MiB in ${m.seconds.toFixed(2)} s)${extra !== '' ? '  ' + extra : ''}`)
  return m
}

export async function time (label: string, bytes: number, fn: () => unknown): Promise<Measurement> {
  const started = performance.now()
  await fn()
  return report({ label, bytes, seconds: (performance.now() - started) / 1000 })
}

/** Peak resident set size of a process, from /proc (Linux), in bytes; 0 where unavailable. */
export function peakRss (pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /VmHWM:\s+(\d+) kB/.exec(status)
    return match != null ? Number(match[1]) * 1024 : 0
  } catch {
    return 0
  }
}
