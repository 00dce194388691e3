import { Command } from 'commander'
import { withCommonOptions } from '../common.js'

export function lsCommand (): Command {
  return withCommonOptions(new Command('ls')
    .description('list what a directory URI holds (or describe a file URI)')
    .argument('<uri>', 'capability URI (shoal:...)'))
    .action(async (...args) => { await (await import('./handler.js')).lsHandler(...(args as Parameters<typeof import('./handler.js').lsHandler>)) })
}
