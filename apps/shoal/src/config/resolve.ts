// Each setting's value comes from, first found: its flag, its SHOAL_* variable, the config
// file, the flag's default. Every value given anywhere is checked, even one a flag
// overrides, so a mistake in the file shows at once rather than on the day it is used.
import { distance } from 'fastest-levenshtein'
import { UsageError } from '../errors.js'
import { ConfigError, describeLocation } from './errors.js'
import type { ConfigEntry, ConfigFile } from './file.js'
import type { Setting } from './setting.js'

export type Origin = 'flag' | 'env' | 'file' | 'default'

export interface Resolved {
  value: string | string[] | undefined
  origin: Origin
}

export interface SettingSources {
  /** what commander parsed: the flags given, and the defaults of those not */
  flags: Record<string, unknown>
  /** the flag was on the command line (the value is not commander's default) */
  given: (attribute: string) => boolean
  env: NodeJS.ProcessEnv
  file: ConfigFile | null
}

/** Each setting's value and where it came from, by the setting's attribute. */
export function resolveSettings (settings: Setting[], sources: SettingSources): Map<string, Resolved> {
  const fromFile = sources.file === null ? new Map<string, string[]>() : readFile(settings, sources.file)
  const resolved = new Map<string, Resolved>()
  for (const setting of settings) {
    const fromEnv = readEnv(setting, sources.env)
    if (sources.given(setting.attribute)) {
      const value = sources.flags[setting.attribute] as string | string[]
      for (const text of [value].flat()) setting.check(text, setting.flag)
      resolved.set(setting.attribute, { value, origin: 'flag' })
    } else if (fromEnv !== undefined) {
      resolved.set(setting.attribute, { value: setting.list ? fromEnv : fromEnv[0], origin: 'env' })
    } else if (fromFile.has(setting.key)) {
      const values = fromFile.get(setting.key) ?? []
      resolved.set(setting.attribute, { value: setting.list ? values : values[0], origin: 'file' })
    } else {
      resolved.set(setting.attribute, { value: sources.flags[setting.attribute] as string | string[] | undefined, origin: 'default' })
    }
  }
  return resolved
}

/** A list's values: separated by commas or white space. */
function splitList (text: string): string[] {
  return text.split(/[\s,]+/).filter(item => item !== '')
}

/** The variable's value(s), checked; an empty variable counts as unset. */
function readEnv (setting: Setting, env: NodeJS.ProcessEnv): string[] | undefined {
  const text = env[setting.env]
  if (text === undefined || text.trim() === '') return undefined
  const values = setting.list ? splitList(text) : [text.trim()]
  for (const value of values) setting.check(value, setting.env)
  return values
}

function readFile (settings: Setting[], file: ConfigFile): Map<string, string[]> {
  const byKey = new Map(settings.map(setting => [setting.key, setting]))
  const values = new Map<string, string[]>()
  for (const entry of file.entries) {
    const setting = byKey.get(entry.key)
    if (setting === undefined) throw unknownKey(entry, file.path, [...byKey.keys()])
    values.set(entry.key, checkEntry(setting, entry, file.path))
  }
  return values
}

function checkEntry (setting: Setting, entry: ConfigEntry, file: string): string[] {
  if (entry.list && !setting.list) {
    throw new ConfigError({ file, line: entry.line, key: entry.key }, 'takes one value, not a list')
  }
  const values: string[] = []
  for (const item of entry.items) {
    const where = describeLocation({ file, line: item.line, key: entry.key })
    const texts = setting.list && !entry.list ? splitList(item.text) : [item.text]
    for (const text of texts) {
      try {
        setting.check(text, where)
      } catch (err) {
        if (!(err instanceof UsageError)) throw err
        // the same message, as the file's mistake (ConfigError), not the command line's
        const problem = err.message.startsWith(`${where}: `) ? err.message.slice(where.length + 2) : err.message
        throw new ConfigError({ file, line: item.line, key: entry.key }, problem)
      }
      values.push(text)
    }
  }
  return values
}

function unknownKey (entry: ConfigEntry, file: string, known: string[]): ConfigError {
  const guess = didYouMean(entry.key, known)
  const hint = guess === undefined ? `; the settings are ${known.join(', ')}` : `; did you mean ${guess}?`
  return new ConfigError({ file, line: entry.line }, `'${entry.key}' is not a setting${hint}`)
}

/** The known key closest to `key`, if it is close: repair_interval, repairInterval, spce. */
function didYouMean (key: string, known: string[]): string | undefined {
  const plain = (text: string): string => text.toLowerCase().replace(/[-_\s]/g, '')
  const same = known.find(candidate => plain(candidate) === plain(key))
  if (same !== undefined) return same
  let best: { candidate: string, cost: number } | undefined
  for (const candidate of known) {
    const cost = distance(key.toLowerCase(), candidate)
    if (best === undefined || cost < best.cost) best = { candidate, cost }
  }
  return best !== undefined && best.cost <= Math.max(2, Math.floor(key.length / 4)) ? best.candidate : undefined
}
