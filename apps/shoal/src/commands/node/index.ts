import { Command, Option, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import { LOG_FORMATS, LOG_LEVELS } from '../../log-levels.js'
import type { NodeFlags } from './handler.js'

export function nodeCommand (io: CommandIo): Command {
  return new Command('node')
    .description('run a vault node (daemon) until Ctrl-C; prints its peer ID, addresses and API url')
    .requiredOption('--listen <multiaddr...>', 'where to listen, e.g. /ip4/0.0.0.0/tcp/4001')
    .requiredOption('--space <size>', 'space the vault offers, e.g. 50GiB')
    .option('--bootstrap <multiaddr...>', 'peers to join through (/ip4/…/tcp/…/p2p/…)')
    .option('--bootstrap-timeout <seconds>', 'give up when no bootstrap peer answers within this time', '5')
    .option('--replicas <n>', 'copies kept of each chunk uploaded through this node\'s API unless the upload says (default 3)', '3')
    .option('--api <host:port>', 'where the local HTTP API listens (token in <data>/api-token)', '127.0.0.1:0')
    .option('--data <dir>', 'the node\'s dir: peer key and vault (default: $SHOAL_DATA or ~/.shoal)')
    .option('--json', 'print one JSON object { peerId, addresses, api } instead of text')
    .addOption(new Option('--log-level <level>', 'the least severe lines the log on stderr shows (info: peers joining and leaving, start, stop)').choices(LOG_LEVELS).default('info'))
    .addOption(new Option('--log-format <format>', 'one readable line per event, or JSON lines').choices(LOG_FORMATS).default('text'))
    .action(async (flags: OptionValues) => { await (await import('./handler.js')).nodeHandler(flags as NodeFlags, io) })
}
