import { Command, Option, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import type { SimFlags } from './handler.js'
import { sweepCommand } from './sweep.js'

export function simCommand (io: CommandIo): Command {
  return new Command('sim')
    .description('simulate a network of vaults for days of virtual time, running the real placement, repair, audit and download code; report what was lost and what repair cost')
    .addOption(new Option('--nodes <n>', 'vaults at the start').default('1000', '1000'))
    .addOption(new Option('--days <n>', 'simulated days after the upload').default('30', '30'))
    .addOption(new Option('--files <n>', 'files uploaded at the start').default('1000', '1000'))
    .addOption(new Option('--chunks-per-file <n>', 'chunks of 1 MiB per file').default('4', '4'))
    .addOption(new Option('--redundancy <scheme>', 'replicate:N or rs:K+M').default('replicate:3', 'replicate:3'))
    .addOption(new Option('--repair-interval <duration>', 'each vault\'s repair period').default('1h', '1h'))
    .addOption(new Option('--churn <preset|file.json>', 'none, stable, home, harsh, or a JSON churn model (docs/simulation.md)').default('home', 'home'))
    .addOption(new Option('--churn-scale <x>', 'vaults leave and join x times as often and their sessions last 1/x as long (downtimes and correlated failures as they are)').default('1', '1'))
    .addOption(new Option('--reads-per-day <n>', 'files users read per day (default: a tenth of the files)'))
    .addOption(new Option('--seed <n>', 'the seed of every random draw').default('1', '1'))
    .addOption(new Option('--lookups <mode>', 'walk routing tables shaped as kad-dht\'s or as the Kademlia paper\'s, or ask an oracle that knows every vault (faster, no hops)').choices(['kad-dht', 'kademlia', 'oracle']).default('kad-dht'))
    .option('--no-repair', 'vaults run no repair loop (to see what repair saves)')
    .option('--json', 'print the report as one JSON object')
    .action(async (flags: OptionValues) => { await (await import('./handler.js')).simHandler(flags as SimFlags, io) })
    // `shoal sim sweep --nodes 150`: options after `sweep` are the sweep's, not sim's own
    .enablePositionalOptions()
    .addCommand(sweepCommand(io))
}
