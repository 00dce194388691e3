import { Command, Option, type OptionValues } from 'commander'
import type { CommandIo } from '../../io.js'
import type { SweepFlags } from './sweep-handler.js'

// Defaults sized for one machine: the committed charts' run took 551 s of CPU without its churn ×2
// points and rs:10+5 at ×4 (~500 s more); README, "What durability the defaults reach"
export function sweepCommand (io: CommandIo): Command {
  return new Command('sweep')
    .description('run `shoal sim` over a grid (redundancy × repair interval, redundancy × churn rate), one child run per point; write the points as JSON and two SVG charts to --out')
    .requiredOption('--out <dir>', 'where sweep.json and the charts go')
    .addOption(new Option('--redundancies <list>', 'redundancy schemes, comma-separated').default('replicate:3,replicate:5,rs:4+2,rs:10+5', 'replicate:3,replicate:5,rs:4+2,rs:10+5'))
    .addOption(new Option('--repair-intervals <list>', 'the durability chart\'s repair intervals, comma-separated; off: no repair').default('1h,6h,1d,3d,off', '1h,6h,1d,3d,off'))
    .addOption(new Option('--churn-scales <list>', 'the traffic chart\'s churn scales (shoal sim --churn-scale), comma-separated').default('1,2,4', '1,2,4'))
    .addOption(new Option('--repair-interval <duration>', 'the traffic chart\'s repair interval').default('1h', '1h'))
    .addOption(new Option('--nodes <n>', 'vaults at the start of each run').default('120', '120'))
    .addOption(new Option('--days <n>', 'simulated days of each run').default('5', '5'))
    .addOption(new Option('--files <n>', 'files of each run').default('24', '24'))
    .addOption(new Option('--chunks-per-file <n>', 'chunks of 1 MiB per file (20 gives rs:4+2 and rs:10+5 whole stripes)').default('20', '20'))
    .addOption(new Option('--churn <preset|file.json>', 'the churn model at scale 1').default('home', 'home'))
    .addOption(new Option('--seed <n>', 'each point\'s seed is drawn from this and the point').default('1', '1'))
    .option('--redraw', 'run nothing: draw the charts again from the sweep.json in --out')
    .addOption(new Option('--jobs <n>', 'points run at once (each a process)').default('1', '1'))
    .action(async (flags: OptionValues) => { await (await import('./sweep-handler.js')).sweepHandler(flags as SweepFlags, io) })
}
