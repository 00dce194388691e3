// Reading the repository's docker-compose.yml, Dockerfile and .dockerignore as Docker
// would, for the tests that check them against the CLI (compose.test.ts) and run their
// commands as processes (compose-run.test.ts). No Docker engine is involved.
import { readFile } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { DockerfileParser, type Instruction } from 'dockerfile-ast'
import { parse } from 'yaml'
import { shoal } from './cli.js'

/** The repository's root (this file runs from test/dist/helpers/). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

export interface ComposeService {
  image?: string
  build?: unknown
  entrypoint?: string | string[]
  command?: string | string[]
  volumes?: Array<string | { type?: string, source?: string, target: string }>
  ports?: unknown[]
  container_name?: string
  depends_on?: string[] | Record<string, { condition?: string }>
  healthcheck?: { disable?: boolean }
}

export interface ComposeFile { services: Record<string, ComposeService>, volumes?: Record<string, unknown> }

export async function composeText (): Promise<string> {
  return await readFile(join(repoRoot, 'docker-compose.yml'), 'utf8')
}

/** The compose file as Compose reads it: YAML merge keys (`<<: *anchor`) resolved. */
export function parseCompose (text: string): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile
}

/** A `command:` or `entrypoint:` as an argument list (a string is split on spaces, as Compose does without quotes). */
export function argList (value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value.map(String) : value.trim().split(/\s+/)
}

/** The flags an argument list gives: `--name`, `--name=value` (as `--name`), `-o`; values are skipped. */
export function flagsOf (args: string[]): string[] {
  return args.filter(arg => /^--?[a-zA-Z]/.test(arg)).map(arg => arg.split('=')[0])
}

/** The option flags `shoal <command> --help` lists, long and short (`-o`, `--output`). */
export async function helpFlags (command: string): Promise<Set<string>> {
  const r = await shoal([command, '--help'])
  if (r.code !== 0) throw new Error(`shoal ${command} --help exited ${r.code}: ${r.stderr}`)
  const options = r.stdout.split(/^Options:$/m)[1] ?? ''
  const flags = new Set<string>()
  // an option's line starts with two spaces and its flags; wrapped descriptions are indented further
  for (const match of options.matchAll(/^ {2}(-[^\s,]+(?:, -[^\s,]+)*)/gm)) {
    for (const flag of match[1].split(', ')) flags.add(flag)
  }
  return flags
}

/** What a shoal invocation gives that its command's help does not list (an empty list: all good). */
export async function unknownFlags (args: string[], help: (command: string) => Promise<Set<string>> = helpFlags): Promise<string[]> {
  const known = await help(args[0])
  return flagsOf(args.slice(1)).filter(flag => !known.has(flag))
}

/** deploy/client.mjs as a module: its flags and the shoal commands it runs. */
export interface ClientScript {
  CLIENT_OPTIONS: Record<string, { type: 'string' | 'boolean', short?: string }>
  putArgs: (init: { file: string, via: string, replicas: string, data: string }) => string[]
  getArgs: (init: { uri: string, via: string, out: string, data: string }) => string[]
}

export async function loadClientScript (): Promise<ClientScript> {
  return await import(pathToFileURL(join(repoRoot, 'deploy/client.mjs')).href) as ClientScript
}

/** The flags deploy/client.mjs takes, as they are written on its command line. */
export function clientFlags (client: ClientScript): Set<string> {
  const flags = new Set<string>()
  for (const [name, option] of Object.entries(client.CLIENT_OPTIONS)) {
    flags.add(`--${name}`)
    if (option.short !== undefined) flags.add(`-${option.short}`)
  }
  return flags
}

/** The Dockerfile's instructions, and those of its last stage (the image that runs). */
export interface ParsedDockerfile {
  instructions: Instruction[]
  final: Instruction[]
  /** the stage names, in order (null for an unnamed one) */
  stages: Array<string | null>
  /** ARG defaults given before the first FROM */
  args: Map<string, string>
}

export async function readDockerfile (): Promise<ParsedDockerfile> {
  const dockerfile = DockerfileParser.parse(await readFile(join(repoRoot, 'Dockerfile'), 'utf8'))
  const froms = dockerfile.getFROMs()
  const lastFrom = froms.at(-1)?.getRange().start.line ?? 0
  const instructions = dockerfile.getInstructions()
  const args = new Map<string, string>()
  for (const arg of dockerfile.getInitialARGs()) {
    const [name, value] = (arg.getArgumentsContent() ?? '').split('=')
    if (value !== undefined) args.set(name, value)
  }
  return {
    instructions,
    final: instructions.filter(i => i.getRange().start.line > lastFrom),
    stages: froms.map(from => from.getBuildStage()),
    args
  }
}

/** An exec-form (JSON array) instruction's arguments, e.g. ENTRYPOINT ["shoal"]; `prefix` is stripped first (HEALTHCHECK's CMD). */
export function execForm (instruction: Instruction, prefix = ''): string[] {
  const content = (instruction.getArgumentsContent() ?? '').trim()
  const json = content.startsWith(prefix) ? content.slice(prefix.length).trim() : content
  const parsed: unknown = JSON.parse(json)
  if (!Array.isArray(parsed) || !parsed.every(part => typeof part === 'string')) throw new Error(`${instruction.getKeyword()} is not in exec form: ${content}`)
  return parsed
}

/** The one instruction of a kind in the final stage (the last one, as Docker applies it). */
export function finalInstruction (parsed: ParsedDockerfile, keyword: string): Instruction | undefined {
  return parsed.final.filter(i => i.getKeyword() === keyword).at(-1)
}
