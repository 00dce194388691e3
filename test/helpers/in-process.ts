// The CLI run inside the test's own process (@shoal/cli's run), with its output caught.
import { Readable, Writable } from 'node:stream'
import { run } from '@shoal/cli'

export interface InProcessResult {
  code: number
  /** stdout as bytes (a get -o - is binary) */
  out: Buffer
  stdout: string
  stderr: string
}

export interface InProcessOptions {
  /** stops the command as Ctrl-C would */
  signal?: AbortSignal
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** what the command reads as standard input (`put -`) */
  stdin?: Uint8Array
}

/** Runs `shoal ...args` in this process: exit code, stdout and stderr. */
export async function cli (args: string[], options: InProcessOptions = {}): Promise<InProcessResult> {
  const out: Buffer[] = []
  const err: Buffer[] = []
  const code = await run(args, {
    stdout: collector(out),
    stderr: collector(err),
    // no DEBUG and no SHOAL_DATA of the machine: each test names its data dir
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.stdin !== undefined ? { stdin: Readable.from([options.stdin]) } : {})
  })
  const stdout = Buffer.concat(out)
  return { code, out: stdout, stdout: stdout.toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }
}

function collector (parts: Buffer[]): Writable {
  return new Writable({
    write (chunk: Buffer, _encoding, callback) {
      parts.push(Buffer.from(chunk))
      callback()
    }
  })
}

/** The last line of a command's stdout: put's URI, or a --json object. */
export function lastLine (stdout: string): string {
  return stdout.trim().split('\n').pop() as string
}
