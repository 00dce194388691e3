/** Where in a config file a problem is: the file always, the line and key when known. */
export interface ConfigLocation {
  file: string
  line?: number
  key?: string
}

/** `config FILE line N: KEY`, the prefix of every message about a config file's content. */
export function describeLocation (location: ConfigLocation): string {
  const line = location.line === undefined ? '' : ` line ${location.line}`
  const key = location.key === undefined ? '' : `: ${location.key}`
  return `config ${location.file}${line}${key}`
}

/** A config file that cannot be used as written: the user's mistake, exit code 2. */
export class ConfigError extends Error {
  static readonly code = 'ERR_CONFIG'
  readonly code = ConfigError.code
  override name = 'ConfigError'
  constructor (readonly location: ConfigLocation, problem: string) {
    super(`${describeLocation(location)}: ${problem}`)
  }
}

/** `shoal init` found a config file where it would write one, and was not told --force. */
export class ConfigExistsError extends Error {
  static readonly code = 'ERR_CONFIG_EXISTS'
  readonly code = ConfigExistsError.code
  override name = 'ConfigExistsError'
  constructor (readonly file: string) {
    super(`config ${file} exists already; edit it, or run shoal init again with --force to overwrite it`)
  }
}
