import cliProgress from 'cli-progress'
import type { Progress } from '@shoal/client'
import type { Output } from './io.js'
import { formatBytes } from './size.js'

/** Waits this long before drawing, so quick commands stay quiet. */
const SHOW_AFTER_MS = 1000

export interface ProgressReporter {
  update (progress: Progress): void
  stop (): void
}

/** A progress bar on `stream` (stderr) when it is a terminal and the job takes over a second; silent otherwise. */
export function createProgress (label: string, options: { quiet?: boolean, stream: Output }): ProgressReporter {
  const stream = options.stream as NodeJS.WriteStream
  if (options.quiet === true || stream.isTTY !== true) return { update () {}, stop () {} }
  const started = Date.now()
  let bar: cliProgress.SingleBar | undefined
  return {
    update ({ bytes, total }) {
      if (bar == null) {
        if (Date.now() - started < SHOW_AFTER_MS) return
        bar = new cliProgress.SingleBar({
          stream,
          format: `${label} {bar} {percentage}% | {done} / {all} | {speed} | ETA {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: true
        }, cliProgress.Presets.shades_classic)
        bar.start(total ?? bytes, 0, payload(0))
      }
      if (total === undefined) bar.setTotal(bytes)
      bar.update(bytes, payload(bytes))

      function payload (done: number): Record<string, string> {
        const elapsed = (Date.now() - started) / 1000
        return { done: formatBytes(done), all: total !== undefined ? formatBytes(total) : '?', speed: `${formatBytes(done / Math.max(elapsed, 1e-3))}/s` }
      }
    },
    stop () { bar?.stop() }
  }
}
