import { Command, CommanderError } from 'commander'
import { getCommand } from './commands/get/index.js'
import { lsCommand } from './commands/ls/index.js'
import { nodeCommand } from './commands/node/index.js'
import { peersCommand } from './commands/peers/index.js'
import { putCommand } from './commands/put/index.js'
import { statusCommand } from './commands/status/index.js'
import { testnetCommand } from './commands/testnet/index.js'
import { describeError, EXIT_OK, EXIT_USAGE } from './errors.js'
import { VERSION } from './version.js'

export function createProgram (): Command {
  const program = new Command('shoal')
    .description('Shoal: encrypted, content-defined chunk storage on a peer-to-peer network')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addCommand(putCommand())
    .addCommand(getCommand())
    .addCommand(lsCommand())
    .addCommand(statusCommand())
    .addCommand(peersCommand())
    .addCommand(nodeCommand())
    .addCommand(testnetCommand())
  const configure = (command: Command): void => {
    command.exitOverride()
    command.commands.forEach(configure)
  }
  configure(program)
  return program
}

/** Runs the CLI and resolves to the process exit code: 0 ok, 1 failure, 2 usage. */
export async function run (argv: string[]): Promise<number> {
  const program = createProgram()
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
    console.error(`shoal: ${message}`)
    if (process.env.DEBUG?.includes('shoal') === true) console.error(err)
    return exitCode
  }
}
