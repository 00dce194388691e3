import { Command, CommanderError } from 'commander'
import { catCommand } from './commands/cat/index.js'
import { checkCommand } from './commands/check/index.js'
import { getCommand } from './commands/get/index.js'
import { initCommand } from './commands/init/index.js'
import { lsCommand } from './commands/ls/index.js'
import { nodeCommand } from './commands/node/index.js'
import { peersCommand } from './commands/peers/index.js'
import { putCommand } from './commands/put/index.js'
import { renewCommand } from './commands/renew/index.js'
import { rmCommand } from './commands/rm/index.js'
import { simCommand } from './commands/sim/index.js'
import { statusCommand } from './commands/status/index.js'
import { testnetCommand } from './commands/testnet/index.js'
import { uiCommand } from './commands/ui/index.js'
import { describeError, EXIT_OK, EXIT_USAGE } from './errors.js'
import { println, processIo, type CommandIo } from './io.js'
import { VERSION } from './version.js'

export function createProgram (io: CommandIo = processIo()): Command {
  const program = new Command('shoal')
    .description('Shoal: encrypted, content-defined chunk storage on a peer-to-peer network')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // options after a command name are that command's (`shoal sim sweep --nodes` is not `shoal sim --nodes`)
    .enablePositionalOptions()
    .addCommand(putCommand(io))
    .addCommand(getCommand(io))
    .addCommand(catCommand(io))
    .addCommand(lsCommand(io))
    .addCommand(checkCommand(io))
    .addCommand(renewCommand(io))
    .addCommand(rmCommand(io))
    .addCommand(statusCommand(io))
    .addCommand(peersCommand(io))
    .addCommand(initCommand(io))
    .addCommand(nodeCommand(io))
    .addCommand(testnetCommand(io))
    .addCommand(uiCommand(io))
    .addCommand(simCommand(io))
  const configure = (command: Command): void => {
    command.exitOverride()
    command.configureOutput({
      writeOut: text => { io.stdout.write(text) },
      writeErr: text => { io.stderr.write(text) }
    })
    command.commands.forEach(configure)
  }
  configure(program)
  return program
}

/**
 * Runs the CLI and resolves to the process exit code: 0 ok, 1 failure, 2 usage. `io`
 * replaces the process's streams, environment and working directory (each part
 * defaults to the process's own), so that a command can run inside another program.
 */
export async function run (argv: string[], io: Partial<CommandIo> = {}): Promise<number> {
  const full: CommandIo = { ...processIo(), ...io }
  const program = createProgram(full)
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true })
      return EXIT_USAGE
    }
    await program.parseAsync(argv, { from: 'user' })
    return EXIT_OK
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its message (or the help/version text).
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE
    }
    const { message, exitCode } = describeError(err)
    println(full.stderr, `shoal: ${message}`)
    if (full.env.DEBUG?.includes('shoal') === true) println(full.stderr, (err as Error)?.stack ?? String(err))
    return exitCode
  }
}
