import { Command, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import { withJsonOption, withLocationOptions } from '../common.js'
import type { LsFlags } from './handler.js'

export function lsCommand (io: CommandIo): Command {
  const command = new Command('ls')
    .description('list what a directory URI holds (or describe a file URI)')
    .argument('<uri>', 'capability URI (shoal:...)')
  return withJsonOption(withLocationOptions(command))
    .option('-R, --recursive', 'list the whole tree, each entry by its path from the root')
    .action(async (uri: string, flags: OptionValues) => { await (await import('./handler.js')).lsHandler(uri, flags as LsFlags, io) })
}
