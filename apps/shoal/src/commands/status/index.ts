import { Command, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'

export function statusCommand (io: CommandIo): Command {
  return new Command('status')
    .description('what the running node of your data dir is doing: peer ID, addresses, API, peers, chunks and space, what the repair loop did, the per-peer ledger (ledger: top 10 by bytes; --json: all)')
    .option('--data <dir>', 'the node\'s data dir (default: $SHOAL_DATA or ~/.shoal)')
    .option('--json', 'print the daemon\'s status object instead of text')
    .action(async (flags: OptionValues) => { await (await import('./handler.js')).statusHandler(flags, io) })
}
