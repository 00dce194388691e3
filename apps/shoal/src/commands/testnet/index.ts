import { Command, Option, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import { LOG_LEVELS } from '../../log-levels.js'
import type { TestnetFlags } from './handler.js'

export function testnetCommand (io: CommandIo): Command {
  return new Command('testnet')
    .description('run a local N-node network on 127.0.0.2.. (one `shoal node` process each) until Ctrl-C')
    .addOption(new Option('--nodes <n>', 'how many vault nodes').default('5', '5'))
    .addOption(new Option('--space <size>', 'vault space per node').default('1GiB', '1GiB'))
    .addOption(new Option('--replicas <n>', 'copies of each chunk kept for uploads through the nodes\' APIs').default('3', '3'))
    .addOption(new Option('--first-host <n>', 'first node listens on 127.0.0.<n>').default('2', '2'))
    .addOption(new Option('--log-level <level>', 'the nodes\' --log-level: their logs share this terminal\'s stderr').choices(LOG_LEVELS).default('warn', 'warn'))
    .option('--json', 'print one JSON object { bootstrap, nodes: [{ peerId, address, api, dataDir }] } instead of text')
    .action(async (flags: OptionValues) => { await (await import('./handler.js')).testnetHandler(flags as TestnetFlags, io) })
}
