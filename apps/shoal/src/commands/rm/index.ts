import { Command, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import { withJsonOption, withLocationOptions } from '../common.js'
import type { RmFlags } from './handler.js'

export function rmCommand (io: CommandIo): Command {
  const command = new Command('rm')
    .description('drop your leases on every block of a file or tree: holders free what nobody else leases (same key as the put)')
    .addHelpText('after', `
Over the network (no node running for --data), your lease goes from every block of the
file, even from blocks another of your files also uses (identical chunks are stored
once): that file loses them unless someone else leases them, so put it again. Through a
running node, blocks another of its kept uploads uses stay leased, and rm says how many.`)
    .argument('<uri>', 'capability URI (shoal:...)')
  return withJsonOption(withLocationOptions(command))
    .action(async (uri: string, flags: OptionValues) => { await (await import('./handler.js')).rmHandler(uri, flags as RmFlags, io) })
}
