// The values `shoal node` runs with: each from its flag, its SHOAL_* variable, the config
// file, or the flag's default, in that order (config/resolve.ts), all checked.
import type { Command, OptionValues } from 'commander'
import { readConfigFile } from '../../config/file.js'
import { settingsOf } from '../../config/options.js'
import { configPath } from '../../config/path.js'
import { resolveSettings } from '../../config/resolve.js'
import { dataDir } from '../../context.js'
import { UsageError } from '../../errors.js'
import type { CommandIo } from '../../io.js'
import type { NodeFlags } from './handler.js'
import { NODE_SETTING_CHECKS } from './setting-checks.js'

export async function resolveNodeFlags (flags: OptionValues, command: Command, io: Pick<CommandIo, 'env' | 'cwd'>): Promise<NodeFlags> {
  const config = configPath({ config: flags.config as string | undefined, dataDir: dataDir({ data: flags.data as string | undefined }, io) }, io)
  const file = await readConfigFile(config.path, { named: config.named })
  const resolved = resolveSettings(settingsOf(command, NODE_SETTING_CHECKS), {
    flags,
    given: attribute => command.getOptionValueSource(attribute) === 'cli',
    env: io.env,
    file
  })
  const values = Object.fromEntries([...resolved].map(([attribute, { value }]) => [attribute, value]))
  if (values.space === undefined) {
    throw new UsageError(`required option '--space <size>' not specified: give it, set SHOAL_SPACE, or write space: in ${config.path} (shoal init writes that file)`)
  }
  return { ...flags, ...values, listenIsDefault: resolved.get('listen')?.origin === 'default' } as NodeFlags
}
