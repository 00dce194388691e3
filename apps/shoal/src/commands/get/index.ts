import { Command, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import type { GetFlags } from './handler.js'
import { withJsonOption, withLocationOptions, withQuietOption } from '../common.js'

export function getCommand (io: CommandIo): Command {
  const command = new Command('get')
    .description('fetch, verify and decrypt a file or directory')
    .argument('<uri>', 'capability URI (shoal:...)')
    .option('-o, --output <path>', "where to write it (default: its recorded name, here); into it, under that name, when it is a directory; '-' streams a file to stdout")
  return withQuietOption(withJsonOption(withLocationOptions(command)))
    .option('-f, --force', 'replace what is already at the target, file or directory (refused by default)')
    .option('--allow-escaping-links', 'restore symbolic links that point outside the output (absolute targets, or climbing out with ..); refused by default')
    .action(async (uri: string, flags: OptionValues) => { await (await import('./handler.js')).getHandler(uri, flags as GetFlags, io) })
}
