import { Command, Option, type OptionValues } from 'commander'
import { optionOf } from '../../config/options.js'
import type { CommandIo } from '../../io.js'
import { nodeCommand } from '../node/index.js'
import { NODE_SETTING_KEYS } from '../node/settings.js'

const INIT_HELP = `
Then: shoal node --data <dir> (it reads <data>/config.yaml; --config or
$SHOAL_CONFIG name another file). A flag of shoal node, or its SHOAL_ variable
(SHOAL_SPACE, SHOAL_REPAIR_INTERVAL, ...), overrides the file.`

// init takes the node's own settings flags, with their descriptions and choices but not
// their defaults: what is not given is written commented out, with the default.
export function initCommand (io: CommandIo): Command {
  const node = nodeCommand(io)
  const command = new Command('init')
    .description('write a commented config file for shoal node in the data dir and print its path: the settings given here are set, every other one is explained and left commented out with its default')
    .usage('[--data <dir>] [--space <size>] [options]')
  for (const key of NODE_SETTING_KEYS) command.addOption(withoutDefault(optionOf(node, key)))
  return command
    .option('--data <dir>', 'the node\'s dir, where the file goes (default: $SHOAL_DATA or ~/.shoal)')
    .option('--config <file>', 'write the file here instead (default: <data>/config.yaml, or $SHOAL_CONFIG)')
    .option('--force', 'overwrite the config file if there is one')
    .addHelpText('after', INIT_HELP)
    .action(async (flags: OptionValues, self: Command) => {
      await (await import('./handler.js')).initHandler({ flags, given: attribute => self.getOptionValueSource(attribute) === 'cli', node }, io)
    })
}

function withoutDefault (option: Option): Option {
  const copy = new Option(option.flags, option.description.replace(/\s*\(required\)$/, ''))
  if (option.argChoices !== undefined) copy.choices(option.argChoices)
  return copy
}
