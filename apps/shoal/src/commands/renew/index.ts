import { Command, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import { withJsonOption, withLocationOptions } from '../common.js'
import type { RenewFlags } from './handler.js'

export function renewCommand (io: CommandIo): Command {
  const command = new Command('renew')
    .description('extend your leases on every block of a file or tree, on every holder (same key as the put: the same --data and location)')
    .argument('<uri>', 'capability URI (shoal:...)')
  return withJsonOption(withLocationOptions(command))
    .option('--lease <duration>', 'the new lease, from now (default 90d)')
    .action(async (uri: string, flags: OptionValues) => { await (await import('./handler.js')).renewHandler(uri, flags as RenewFlags, io) })
}
