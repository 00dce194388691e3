import { Command, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import { withJsonOption, withLocationOptions } from '../common.js'
import type { CheckFlags } from './handler.js'

export function checkCommand (io: CommandIo): Command {
  const command = new Command('check')
    .description('how many live holders each chunk (or pieces each stripe) of a file or tree has against its target; exits 1 when something cannot be recovered')
    .argument('<uri>', 'capability URI (shoal:...)')
  return withJsonOption(withLocationOptions(command))
    .option('--repair', 'put back what is short: copies of a chunk, or pieces of a stripe rebuilt from any k (with a fresh lease signed by you)')
    .option('--lease <duration>', 'how long repaired blocks are leased (default 90d)')
    .action(async (uri: string, flags: OptionValues) => { await (await import('./handler.js')).checkHandler(uri, flags as CheckFlags, io) })
}
