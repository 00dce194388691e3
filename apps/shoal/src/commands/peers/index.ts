import { Command, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'

export function peersCommand (io: CommandIo): Command {
  return new Command('peers')
    .description('the peers the running node of your data dir is connected to')
    .option('--data <dir>', 'the node\'s data dir (default: $SHOAL_DATA or ~/.shoal)')
    .option('--json', 'print a JSON array [{ peerId, addresses }] instead of text')
    .action(async (flags: OptionValues) => { await (await import('./handler.js')).peersHandler(flags, io) })
}
