import { Command, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import { withJsonOption, withLocationOptions } from '../common.js'
import type { RmFlags } from './handler.js'

export function rmCommand (io: CommandIo): Command {
  const command = new Command('rm')
    .description('drop your leases on every block of a file or tree: holders free what nobody else leases (same key as the put)')
    .argument('<uri>', 'capability URI (shoal:...)')
  return withJsonOption(withLocationOptions(command))
    .action(async (uri: string, flags: OptionValues) => { await (await import('./handler.js')).rmHandler(uri, flags as RmFlags, io) })
}
