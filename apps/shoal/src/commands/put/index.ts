import { Command, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import type { PutFlags } from './handler.js'
import { convergenceOption, withJsonOption, withLocationOptions, withQuietOption, withSpaceOption } from '../common.js'

export function putCommand (io: CommandIo): Command {
  const command = new Command('put')
    .description('store a file or directory; prints its capability URI as the last line')
    .argument('<path>', "file or directory to store; '-' reads standard input")
  return withQuietOption(withJsonOption(withSpaceOption(withLocationOptions(command))))
    .addOption(convergenceOption())
    .option('--no-compress', 'never compress chunks')
    .option('--redundancy <scheme>', 'how chunks are kept: replicate:N (N copies) or rs:K+M (Reed-Solomon stripes of K data and M parity pieces, any K rebuild it); default replicate:3, or the daemon\'s --replicas')
    .option('--replicas <n>', 'copies of each chunk to keep: short for --redundancy replicate:N')
    .option('--lease <duration>', 'how long the network keeps the chunks unless renewed (shoal renew), e.g. 30d (default 90d)')
    .option('--name <name>', "the name to record (default: the file's or directory's own; none for '-')")
    .option('--follow-symlinks', 'store what symbolic links inside a directory point to, not the links (a link that cannot be followed, or leads into a loop, stays a link)')
    // Handlers load on use: `shoal --help` should not pay for the whole pipeline.
    .action(async (path: string, flags: OptionValues) => { await (await import('./handler.js')).putHandler(path, flags as PutFlags, io) })
}
