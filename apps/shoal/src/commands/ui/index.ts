import { Command, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'

export function uiCommand (io: CommandIo): Command {
  return new Command('ui')
    .description('print a one-time link that opens the web dashboard of the running node of your data dir, signed in (it works once, for 2 minutes)')
    .option('--data <dir>', 'the node\'s data dir (default: $SHOAL_DATA or ~/.shoal)')
    .option('--json', 'print { link, expiresInSeconds } instead of text')
    .action(async (flags: OptionValues) => { await (await import('./handler.js')).uiHandler(flags, io) })
}
