import { Command, Option, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import { LOG_FORMATS, LOG_LEVELS } from '../../log-levels.js'
import { DEFAULT_LISTEN } from './listen.js'
import { UPNP_CHOICES } from './upnp.js'

const SETTINGS_HELP = `
Each value comes from the first of:
  1. its flag                        --repair-interval 5m
  2. SHOAL_ and the flag's name      SHOAL_REPAIR_INTERVAL=5m
     (lists: spaces or commas)       SHOAL_LISTEN="/ip4/... /ip4/..."
  3. the config file, by flag name   repair-interval: 5m
  4. the default shown above
The config file is <data>/config.yaml (or --config, or $SHOAL_CONFIG);
\`shoal init\` writes one, every setting explained. Every value is checked, and
a wrong one is named with its flag, variable, or file, line and key.
Only flags: --data (or $SHOAL_DATA), --config, --drain, --json.`

// Defaults are given once, as values with the text help shows (commander adds
// "(default: …)" itself); --space has none: how much disk to give is the operator's call.
export function nodeCommand (io: CommandIo): Command {
  return new Command('node')
    .description('run a vault node (daemon) until Ctrl-C; prints its peer ID, addresses and API url. On SIGTERM or Ctrl-C it first hands off, for up to 8 s, the chunks only it keeps at target (Ctrl-C twice: stop at once)')
    .usage('--space <size> [options]')
    .addOption(new Option('--space <size>', 'space the vault offers, with a unit: 500MiB, 50GiB, 2TB (required)'))
    .addOption(new Option('--listen <multiaddr...>', 'where peers reach this node; without IPv6 on the machine, IPv4 only')
      .default(DEFAULT_LISTEN, DEFAULT_LISTEN.join(' ')))
    .option('--bootstrap <multiaddr...>', 'peers to join through (/ip4/…/tcp/…/p2p/…, or /dns4/HOST/tcp/PORT: whoever answers)')
    .addOption(new Option('--bootstrap-timeout <seconds>', 'give up when no bootstrap peer answers within this time').default('5', '5'))
    .addOption(new Option('--replicas <n>', 'copies kept of each chunk uploaded through this node\'s API unless the upload says').default('3', '3'))
    .addOption(new Option('--api <host:port>', 'where the local HTTP API listens (token in <data>/api-token)').default('127.0.0.1:0', '127.0.0.1:0, any free port'))
    .addOption(new Option('--metrics-listen <host:port>', 'also serve GET /metrics alone here, without the token, for Prometheus (default: only on the API)'))
    .addOption(new Option('--repair-interval <duration>', 'how often the vault checks a batch of its chunks: repairs what is short, hands off, audits, scrubs, collects expired (at least 1s)').default('10m', '10m'))
    .addOption(new Option('--repair-bandwidth <size/s>', 'bytes per second repair may send, e.g. 4MiB').default('4MiB', '4MiB'))
    .addOption(new Option('--max-debt <size>', 'how far a peer that stores for this vault may run ahead of what it stores (default: 4GiB)'))
    .addOption(new Option('--allowance <size>', 'what any peer may store here before it has stored anything for this vault (default: 1GiB)'))
    .addOption(new Option('--upnp <on|off>', 'when listening on a private address, ask the router over UPnP to forward the listen port, so peers can dial this node').choices(UPNP_CHOICES).default('on', 'on'))
    .option('--no-upnp', 'the same as --upnp off')
    .option('--public-ranges <cidr...>', 'networks the reachability check counts as public, besides every globally routable address (for a lab network in a reserved range, e.g. 198.18.0.0/16)')
    .option('--drain', 'do not serve: join, hand off every chunk whose other holders are short without this vault, print what was handed off, exit (non-zero if some could not be)')
    .addOption(new Option('--drain-timeout <duration>', 'how long --drain may take (SIGTERM or a first Ctrl-C drains for 8 s before stopping; a second one stops at once)').default('5m', '5m'))
    .option('--data <dir>', 'the node\'s dir: peer key and vault (default: $SHOAL_DATA or ~/.shoal)')
    .option('--config <file>', 'the config file to read (default: <data>/config.yaml, or $SHOAL_CONFIG; see below)')
    .option('--json', 'print one JSON object { peerId, addresses, api } instead of text')
    .addOption(new Option('--log-level <level>', 'the least severe lines the log on stderr shows (info: peers joining and leaving, start, stop)').choices(LOG_LEVELS).default('info', 'info'))
    .addOption(new Option('--log-format <format>', 'one readable line per event, or JSON lines').choices(LOG_FORMATS).default('text', 'text'))
    .addHelpText('after', SETTINGS_HELP)
    .action(async (flags: OptionValues, command: Command) => {
      const resolved = await (await import('./resolve-flags.js')).resolveNodeFlags(flags, command, io)
      await (await import('./handler.js')).nodeHandler(resolved, io)
    })
}
