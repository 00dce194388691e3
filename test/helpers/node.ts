// One real `shoal node` process with the flags a test chooses, its stdout's first line
// (the --json start line) and everything it writes on stderr (its log).
import { spawn, type ChildProcess } from 'node:child_process'
import { firstJsonLine, shoalBin, stopChild, type NodeStarted } from '@shoal/cli'

export interface RunningNode extends NodeStarted {
  process: ChildProcess
  /** all the node wrote to stderr so far */
  stderr: () => string
  /** SIGTERM, then SIGKILL after 5 s; the exit code */
  stop: () => Promise<number | null>
}

/** Starts `shoal node --json ...args` and resolves once it printed its start line. */
export async function startNode (args: string[], options: { env?: NodeJS.ProcessEnv, timeoutMs?: number } = {}): Promise<RunningNode> {
  const child = spawn(process.execPath, [shoalBin, 'node', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } })
  let err = ''
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  const stderr = (): string => err
  try {
    const started = await firstJsonLine<NodeStarted>(child, { what: 'shoal node', timeoutMs: options.timeoutMs ?? 20_000, stderr })
    return { ...started, process: child, stderr, stop: async () => await stopChild(child) }
  } catch (e) {
    await stopChild(child)
    throw e
  }
}

/** The node's log lines as JSON objects (it runs with --log-format json). */
export function jsonLog (node: Pick<RunningNode, 'stderr'>): Array<Record<string, unknown>> {
  return node.stderr().split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as Record<string, unknown>)
}

/** Polls `check` every 50 ms until it holds, or throws after `timeoutMs`. */
export async function until (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
