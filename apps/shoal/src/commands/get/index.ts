import { Command } from 'commander'
import { withCommonOptions } from '../common.js'

export function getCommand (): Command {
  return withCommonOptions(new Command('get')
    .description('fetch, verify and decrypt a file or directory')
    .argument('<uri>', 'capability URI (shoal:...)')
    .requiredOption('-o, --output <path>', "where to write it; '-' streams a file to stdout"))
    .action(async (...args) => { await (await import('./handler.js')).getHandler(...(args as Parameters<typeof import('./handler.js').getHandler>)) })
}
