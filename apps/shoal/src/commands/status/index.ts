import { Command } from 'commander'

export function statusCommand (): Command {
  return new Command('status')
    .description('what the running node of your data dir is doing: peer ID, addresses, API, peers, chunks and space')
    .option('--data <dir>', 'the node\'s data dir (default: $SHOAL_DATA or ~/.shoal)')
    .option('--json', 'print the daemon\'s status object instead of text')
    .action(async (...args) => { await (await import('./handler.js')).statusHandler(...(args as Parameters<typeof import('./handler.js').statusHandler>)) })
}
