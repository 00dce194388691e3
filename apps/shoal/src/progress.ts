import cliProgress from 'cli-progress'
import type { Output } from './io.js'
import { formatBytes } from './size.js'

/** Waits this long before drawing, so quick commands stay quiet. */
const SHOW_AFTER_MS = 1000

/** How far a put or get is: bytes of `total` (unknown for standard input), and for a tree its files. */
export interface TransferProgress {
  bytes: number
  total?: number
  files?: { done: number, total: number }
}

export interface ProgressReporter {
  update (progress: TransferProgress): void
  stop (): void
}

export interface ProgressOptions {
  quiet?: boolean
  stream: Output
  /** how long to stay silent (default 1 s) */
  showAfterMs?: number
}

/**
 * A progress bar on `stream` (stderr) when it is a terminal and the job takes over a
 * second; silent otherwise. Without a total (standard input) it shows bytes and speed,
 * never a percentage it cannot know.
 */
export function createProgress (label: string, options: ProgressOptions): ProgressReporter {
  const stream = options.stream as NodeJS.WriteStream
  if (options.quiet === true || stream.isTTY !== true) return { update () {}, stop () {} }
  const showAfter = options.showAfterMs ?? SHOW_AFTER_MS
  const started = Date.now()
  let bar: cliProgress.SingleBar | undefined
  return {
    update (progress) {
      if (bar == null) {
        if (Date.now() - started < showAfter) return
        bar = new cliProgress.SingleBar({
          stream,
          format: formatOf(label, progress),
          hideCursor: true,
          clearOnComplete: true
        }, cliProgress.Presets.shades_classic)
        // a total of 0 (empty files) would make every percentage NaN
        bar.start(Math.max(progress.total ?? 1, 1), done(progress), payload(progress, started))
        return
      }
      bar.update(done(progress), payload(progress, started))
    },
    stop () { bar?.stop() }
  }
}

/** Where the bar stands: nowhere without a total (the text says how much). */
function done (progress: TransferProgress): number {
  return progress.total === undefined ? 0 : progress.bytes
}

function formatOf (label: string, progress: TransferProgress): string {
  const files = progress.files !== undefined ? ' | {files}' : ''
  if (progress.total === undefined) return `${label} {done}${files} | {speed}`
  return `${label} {bar} {percentage}% | {done} / {all}${files} | {speed} | ETA {eta_formatted}`
}

function payload (progress: TransferProgress, started: number): Record<string, string> {
  const elapsed = (Date.now() - started) / 1000
  return {
    done: formatBytes(progress.bytes),
    all: progress.total !== undefined ? formatBytes(progress.total) : '?',
    files: progress.files !== undefined ? `${progress.files.done}/${progress.files.total} files` : '',
    speed: `${formatBytes(progress.bytes / Math.max(elapsed, 1e-3))}/s`
  }
}
