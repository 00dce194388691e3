import { Option, type Command } from 'commander'

/** Options every data command shares. */
export function withCommonOptions (command: Command): Command {
  return command
    .option('--vault <dir>', 'local mode: use this vault directory instead of the network')
    .option('--bootstrap <multiaddr...>', 'network mode: join the network through these peers (/ip4/…/tcp/…/p2p/…)')
    .option('--listen <multiaddr>', 'network mode: where the short-lived client node listens (default /ip4/127.0.0.1/tcp/0)')
    .option('--space <size>', 'space the local vault may use, e.g. 50GiB (default: unlimited)')
    .option('--data <dir>', 'your data dir: convergence secret, settings (default: $SHOAL_DATA or ~/.shoal)')
    .option('--json', 'print one JSON object instead of text')
    .option('-q, --quiet', 'no progress bar')
}

/** Made anew for each program (run() makes one per call): commander does not promise that one Option object may join several commands. */
export function convergenceOption (): Option {
  return new Option('--convergence <mode>', 'dedup scope: user (private) or shared (network-wide)')
    .choices(['user', 'shared']).default('user')
}
