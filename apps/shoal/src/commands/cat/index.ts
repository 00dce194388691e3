import { Command, type OptionValues } from 'commander'
import type { CommonOptions } from '../../context.js'
import type { CommandIo } from '../../io.js'
import { withLocationOptions } from '../common.js'

export function catCommand (io: CommandIo): Command {
  const command = new Command('cat')
    .description('write a file to standard output, verified, in order (as get -o - does)')
    .argument('<uri>', 'capability URI of a file (shoal:...)')
  return withLocationOptions(command)
    .action(async (uri: string, flags: OptionValues) => { await (await import('./handler.js')).catHandler(uri, flags as CommonOptions, io) })
}
