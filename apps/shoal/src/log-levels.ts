// The log's flags' values, apart from the logger itself: every command's options are
// built at start-up, and only `shoal node` should load pino.

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const
export type LogLevel = typeof LOG_LEVELS[number]
export const LOG_FORMATS = ['text', 'json'] as const
export type LogFormat = typeof LOG_FORMATS[number]
