import { Command, Option, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import { LOG_LEVELS } from '../../log-levels.js'
import type { TestnetFlags } from './handler.js'

export function testnetCommand (io: CommandIo): Command {
  return new Command('testnet')
    .description('run a local N-node network on 127.0.0.2.. (one `shoal node` process each) until Ctrl-C or `quit`; its prompt on stdin starts, stops, kills and restarts single nodes (type help)')
    .addOption(new Option('--nodes <n>', 'how many vault nodes').default('5', '5'))
    .addOption(new Option('--space <size>', 'vault space per node').default('1GiB', '1GiB'))
    .addOption(new Option('--replicas <n>', 'copies of each chunk kept for uploads through the nodes\' APIs').default('3', '3'))
    .addOption(new Option('--first-host <n>', 'first node listens on 127.0.0.<n>').default('2', '2'))
    .addOption(new Option('--log-level <level>', 'the nodes\' --log-level: their logs share this terminal\'s stderr').choices(LOG_LEVELS).default('warn', 'warn'))
    .option('--netns', 'each node in its own Linux network namespace on 198.18.0.x (needs root and iproute2), so the prompt can cut the network between groups of nodes (cut 0-3 4-7) and heal it')
    .option('--json', 'print one JSON object { bootstrap, seconds, nodes: [{ index, state, pid, peerId, address, api }] }, then one JSON line per answer and event, instead of text')
    .action(async (flags: OptionValues) => { await (await import('./handler.js')).testnetHandler(flags as TestnetFlags, io) })
}
