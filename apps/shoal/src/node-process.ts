// Starting `shoal node` processes and reading the line each prints once it is up, and
// stopping them: shared by `shoal testnet`, the tests' testnet helper and the network
// bench, which each start nodes their own way (flags, stdio, profiling) but the same
// nodes.
import type { ChildProcess } from 'node:child_process'

export interface NodeArgsInit {
  dataDir: string
  /** vault space, e.g. 256MiB */
  space: string
  /** 127.0.0.x: the node listens and serves its API there, on ports the OS picks */
  host: string
  /** the node's TCP port (default 0: one the OS picks), kept when a testnet restarts a node */
  port?: number
  /** the API's port (default 0) */
  apiPort?: number
  /** another node's address to join through (none for the first node) */
  bootstrap?: string
  /** copies of each chunk the node's API keeps when a request names none */
  replicas?: number
  /** the node's --log-level (default: the node's, info) */
  logLevel?: string
  /** further `shoal node` flags, e.g. ['--repair-interval', '10s'] */
  extra?: string[]
}

/** The arguments of `shoal node` for such a node; it prints one JSON line once it is up. */
export function nodeArgs (init: NodeArgsInit): string[] {
  const args = ['node', '--json', '--data', init.dataDir, '--space', init.space,
    '--listen', `/ip4/${init.host}/tcp/${init.port ?? 0}`, '--api', `${init.host}:${init.apiPort ?? 0}`]
  if (init.replicas !== undefined) args.push('--replicas', String(init.replicas))
  if (init.bootstrap !== undefined) args.push('--bootstrap', init.bootstrap)
  if (init.logLevel !== undefined) args.push('--log-level', init.logLevel)
  if (init.extra !== undefined) args.push(...init.extra)
  return args
}

/** What `shoal node --json` prints once it is up. */
export interface NodeStarted {
  peerId: string
  addresses: string[]
  api: string
  /** the scrape address, with --metrics-listen */
  metrics?: string
}

export interface FirstLineOptions {
  /** names the process in errors, e.g. `shoal node 3` */
  what: string
  timeoutMs: number
  /** what the process printed on stderr so far, for the error */
  stderr?: () => string
  /** the error for a process that exits before printing (default: one naming `what`) */
  exited?: (code: number | null) => Error
}

/** The first line a process prints on stdout, parsed as JSON. */
export async function firstJsonLine<T> (child: ChildProcess, options: FirstLineOptions): Promise<T> {
  return await new Promise((resolve, reject) => {
    let out = ''
    const said = (): string => {
      const text = options.stderr?.().trim() ?? ''
      return text !== '' ? `: ${text}` : ''
    }
    const timer = setTimeout(() => { done(); reject(new Error(`${options.what} printed nothing within ${options.timeoutMs / 1000} s${said()}`)) }, options.timeoutMs)
    const onData = (d: Buffer): void => {
      out += d.toString()
      const end = out.indexOf('\n')
      if (end < 0) return
      done()
      try { resolve(JSON.parse(out.slice(0, end)) as T) } catch (err) { reject(err) }
    }
    const onExit = (code: number | null): void => {
      done()
      reject(options.exited?.(code) ?? new Error(`${options.what} exited (code ${code})${said()}`))
    }
    function done (): void { clearTimeout(timer); child.stdout?.off('data', onData); child.off('exit', onExit) }
    child.stdout?.on('data', onData)
    child.once('exit', onExit)
  })
}

/**
 * Sends `signal` (SIGTERM: a clean stop, after a node's drain of up to 8 s) and SIGKILL if
 * the process has not gone within `graceMs`; resolves with its exit code once it has.
 * `twice`: the signal again a moment later, which makes a node skip its drain.
 */
export async function stopChild (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000, twice = false): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  return await new Promise(resolve => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    const again = twice ? setTimeout(() => child.kill(signal), 100) : undefined
    child.once('exit', code => { clearTimeout(timer); clearTimeout(again); resolve(code) })
    child.kill(signal)
  })
}

/** Stops a `shoal node` at once (two SIGINTs: no drain), SIGKILL after 5 s; its exit code. */
export async function stopNodeNow (child: ChildProcess): Promise<number | null> {
  return await stopChild(child, 'SIGINT', 5_000, true)
}
