import { Command } from 'commander'
import { convergenceOption, withCommonOptions } from '../common.js'
import { putHandler } from './handler.js'

export function putCommand (): Command {
  return withCommonOptions(new Command('put')
    .description('store a file or directory; prints its capability URI as the last line')
    .argument('<path>', 'file or directory to store'))
    .addOption(convergenceOption)
    .option('--no-compress', 'never compress chunks')
    .option('--replicas <n>', 'copies of each chunk to keep', '3')
    .action(putHandler)
}
