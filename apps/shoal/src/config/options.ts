// The settings of a commander command, made from its options: the key, variable and
// kind of each come from the flag, so a flag and its setting cannot drift apart.
import type { Command, Option } from 'commander'
import { UsageError } from '../errors.js'
import { envName, type Check, type Setting } from './setting.js'

/** The option `--key` of `command`; a missing one is a programming mistake. */
export function optionOf (command: Command, key: string): Option {
  const option = command.options.find(candidate => candidate.long === `--${key}`)
  if (option === undefined) throw new Error(`shoal ${command.name()} has no option --${key}`)
  return option
}

/**
 * The settings named by `checks`, in its order; a key without a check takes the flag's
 * choices (--log-level).
 */
export function settingsOf (command: Command, checks: Record<string, Check | undefined>): Setting[] {
  return Object.entries(checks).map(([key, check]) => {
    const option = optionOf(command, key)
    return {
      key,
      flag: `--${key}`,
      env: envName(key),
      attribute: option.attributeName(),
      list: option.variadic,
      check: check ?? choiceCheck(option)
    }
  })
}

function choiceCheck (option: Option): Check {
  const choices = option.argChoices
  if (choices === undefined) throw new Error(`${option.long ?? option.flags} has neither a check nor choices`)
  return (text, where) => {
    if (!choices.includes(text)) throw new UsageError(`${where}: '${text}' is not one of ${choices.join(', ')}`)
  }
}
