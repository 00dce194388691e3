import type { Writable } from 'node:stream'

/** A stream a command writes to; `isTTY` decides whether a progress bar is drawn. */
export type Output = Writable & { isTTY?: boolean }

/**
 * What a command reads from and writes to its surroundings: the process's when run by
 * the `shoal` executable, a test's own when run in process (cli.ts `run`).
 */
export interface CommandIo {
  stdout: Output
  stderr: Output
  env: NodeJS.ProcessEnv
  /** relative paths on the command line are relative to this */
  cwd: string
  /** stops the command as Ctrl-C does (the process's SIGINT and SIGTERM always do) */
  signal?: AbortSignal
  /** what `put -` reads; the process's standard input when unset (read only by a command that asks for it) */
  stdin?: AsyncIterable<Uint8Array>
}

export function processIo (): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }
}

/** Writes `text` and a newline. */
export function println (stream: Output, text: string): void {
  stream.write(text + '\n')
}
