// The log of a running `shoal node`: pino, at --log-level, on stderr, as JSON lines
// (--log-format json) or as one readable line each (text, pino-pretty's formatting).
// Written synchronously to the command's stderr: a line logged just before the process
// exits is not lost, and a command run in process (cli.ts run) logs to its own stream.
import { pino, stdTimeFunctions, type Logger } from 'pino'
import { prettyFactory } from 'pino-pretty'
import type { Output } from './io.js'
import type { LogFormat, LogLevel } from './log-levels.js'

export type { Logger }

export interface LoggerInit {
  level: LogLevel
  format: LogFormat
  stream: Output
  /** NO_COLOR turns colour off on a terminal */
  env?: NodeJS.ProcessEnv
}

/**
 * JSON: `{"level":"warn","time":"2025-…Z",…fields,"msg":"…"}`. Text:
 * `[2025-05-01 12:00:00.000] WARN: msg {…fields}`, coloured on a terminal. No pid or
 * host name: one node runs per data dir, and the host is the one reading the log.
 */
export function createLogger (init: LoggerInit): Logger {
  const options = { level: init.level, base: null }
  if (init.format === 'json') {
    return pino({ ...options, timestamp: stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label }) } }, {
      write (line: string) { init.stream.write(line) }
    })
  }
  const pretty = prettyFactory({
    colorize: init.stream.isTTY === true && init.env?.NO_COLOR === undefined,
    singleLine: true,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l'
  })
  return pino(options, { write (line: string) { init.stream.write(pretty(line)) } })
}
