import { Command } from 'commander'

export function peersCommand (): Command {
  return new Command('peers')
    .description('the peers the running node of your data dir is connected to')
    .option('--data <dir>', 'the node\'s data dir (default: $SHOAL_DATA or ~/.shoal)')
    .option('--json', 'print a JSON array [{ peerId, addresses }] instead of text')
    .action(async (...args) => { await (await import('./handler.js')).peersHandler(...(args as Parameters<typeof import('./handler.js').peersHandler>)) })
}
