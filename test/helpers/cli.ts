import { spawn } from 'node:child_process'
import { shoalBin } from '@shoal/cli'

export { shoalBin }

export interface CliResult { code: number | null, stdout: string, stderr: string }

/** Runs the real `shoal` executable in its own process. */
export async function shoal (args: string[], options: { env?: NodeJS.ProcessEnv, timeoutMs?: number } = {}): Promise<CliResult> {
  return await runNode([shoalBin, ...args], options)
}

/** Runs this Node with `args` (a script and its arguments) to its end: exit code and all it printed. */
export async function runNode (args: string[], options: { env?: NodeJS.ProcessEnv, timeoutMs?: number } = {}): Promise<CliResult> {
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: AbortSignal.timeout(options.timeoutMs ?? 120_000)
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

/** A one-line message and no stack trace: what a user mistake must look like. */
export function isOneLineError (stderr: string): boolean {
  const lines = stderr.trim().split('\n').filter(l => l.trim() !== '')
  return lines.length >= 1 && !/^\s+at /m.test(stderr)
}
