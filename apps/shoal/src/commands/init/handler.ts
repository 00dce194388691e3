import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Command, OptionValues } from 'commander'
import { ConfigExistsError } from '../../config/errors.js'
import { optionOf, settingsOf } from '../../config/options.js'
import { configPath } from '../../config/path.js'
import { resolveSettings } from '../../config/resolve.js'
import { renderTemplate, type TemplateEntry } from '../../config/template.js'
import { dataDir } from '../../context.js'
import { println, type CommandIo } from '../../io.js'
import { NODE_SETTING_CHECKS } from '../node/setting-checks.js'
import { NODE_SETTING_FALLBACKS, type NodeSettingKey } from '../node/settings.js'

export interface InitChoice {
  flags: OptionValues
  /** the flag was on the command line */
  given: (attribute: string) => boolean
  /** `shoal node`, whose options the file's settings are */
  node: Command
}

const HEADER = [
  'Settings of `shoal node`, written by `shoal init`; shoal node reads them from',
  '<data>/config.yaml (or the file --config or $SHOAL_CONFIG names).',
  '',
  'YAML: one `key: value` a line, the key being the flag\'s name without --; a list',
  'as `- item` lines; # starts a comment. Quote a value with [ ] { } # or ": " in it.',
  'Each value comes from the first of: its flag (--space 50GiB), its environment',
  'variable (SHOAL_SPACE=50GiB), this file, the default. A line `# key: value` shows',
  'the default (or an example): remove the "# " to set it.',
  'Every value is checked when the node starts; a wrong one stops it with this',
  'file\'s name, the line and the key.'
]

/** Writes the commented config file (never over one, unless --force) and prints its path. */
export async function initHandler (choice: InitChoice, io: CommandIo): Promise<void> {
  const { flags, node } = choice
  const { path } = configPath({ config: flags.config as string | undefined, dataDir: dataDir({ data: flags.data as string | undefined }, io) }, io)
  const settings = settingsOf(node, NODE_SETTING_CHECKS)
  // only the flags: what init writes is what its command line says
  const given = resolveSettings(settings, { flags, given: choice.given, env: {}, file: null })
  const entries: TemplateEntry[] = settings.map(setting => {
    const option = optionOf(node, setting.key)
    const value = given.get(setting.attribute)
    const fallback: TemplateEntry['fallback'] = option.defaultValue !== undefined
      ? { kind: 'default', value: option.defaultValue as string | string[] }
      : NODE_SETTING_FALLBACKS[setting.key as NodeSettingKey]
    return {
      key: setting.key,
      flag: setting.flag,
      env: setting.env,
      description: option.description,
      value: value?.origin === 'flag' ? value.value : undefined,
      fallback
    }
  })
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  try {
    await writeFile(path, renderTemplate(HEADER, entries), { flag: flags.force === true ? 'w' : 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ConfigExistsError(path)
    throw err
  }
  println(io.stdout, path)
}
