import { Option, type Command } from 'commander'

// Each command shows only the options it uses: these add the shared ones a command asks for.

/** Where the data is: a vault directory, the network, or the data dir's running node (every data command). */
export function withLocationOptions (command: Command): Command {
  return command
    .option('--vault <dir>', 'local mode: use this vault directory instead of the network')
    .option('--bootstrap <multiaddr...>', 'network mode: join the network through these peers (/ip4/…/tcp/…/p2p/…, or /dns4/HOST/tcp/PORT: whoever answers)')
    .option('--listen <multiaddr>', 'network mode: where the short-lived client node listens (default /ip4/127.0.0.1/tcp/0)')
    .option('--data <dir>', 'your data dir: convergence secret, settings, the node to use (default: $SHOAL_DATA or ~/.shoal)')
}

/** A command that stores: how much a --vault it makes may hold. */
export function withSpaceOption (command: Command): Command {
  return command.option('--space <size>', 'space the local vault may use, e.g. 50GiB (default: unlimited)')
}

export function withJsonOption (command: Command): Command {
  return command.option('--json', 'print one JSON object instead of text')
}

/** A command that draws a progress bar (on a terminal, after a second). */
export function withQuietOption (command: Command): Command {
  return command.option('-q, --quiet', 'no progress bar')
}

/** Made anew for each program (run() makes one per call): commander does not promise that one Option object may join several commands. */
export function convergenceOption (): Option {
  return new Option('--convergence <mode>', 'dedup scope: user (private) or shared (network-wide)')
    .choices(['user', 'shared']).default('user')
}
