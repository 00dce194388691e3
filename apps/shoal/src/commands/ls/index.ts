import { Command, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import { withCommonOptions } from '../common.js'

export function lsCommand (io: CommandIo): Command {
  return withCommonOptions(new Command('ls')
    .description('list what a directory URI holds (or describe a file URI)')
    .argument('<uri>', 'capability URI (shoal:...)'))
    .action(async (uri: string, flags: OptionValues) => { await (await import('./handler.js')).lsHandler(uri, flags, io) })
}
