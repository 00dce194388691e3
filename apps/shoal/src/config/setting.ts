/**
 * Checks one value as its flag would, throwing a UsageError whose message starts with
 * `where` (a flag, a SHOAL_* variable, or `config FILE line N: key`).
 */
export type Check = (text: string, where: string) => unknown

/** One value a command takes from a flag, an environment variable, or a config file. */
export interface Setting {
  /** its name in a config file: the flag without the leading -- */
  key: string
  /** `--repair-interval` */
  flag: string
  /** `SHOAL_REPAIR_INTERVAL` */
  env: string
  /** the name commander gives the flag's value: `repairInterval` */
  attribute: string
  /** takes several values (--listen a b; a YAML list; SHOAL_LISTEN="a b") */
  list: boolean
  check: Check
}

/** `SHOAL_` and the key in upper case, dashes made underscores. */
export function envName (key: string): string {
  return `SHOAL_${key.toUpperCase().replace(/-/g, '_')}`
}
