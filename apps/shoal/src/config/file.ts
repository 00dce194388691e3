// A config file is YAML: one `key: value` per setting, a list for the settings that take
// several values. The yaml parser keeps each node's offset, so every value and every
// mistake can be named by its line.
import { readFile } from 'node:fs/promises'
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'
import { ConfigError } from './errors.js'

export interface ConfigItem {
  /** the value as written (a number or `true` as its source text) */
  text: string
  line: number
}

export interface ConfigEntry {
  key: string
  line: number
  /** written as a YAML list, rather than one value */
  list: boolean
  items: ConfigItem[]
}

export interface ConfigFile {
  path: string
  entries: ConfigEntry[]
}

/** Reads and parses `path`; null when it does not exist and was not `named` by the user. */
export async function readConfigFile (path: string, options: { named: boolean }): Promise<ConfigFile | null> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && !options.named) return null
    throw new ConfigError({ file: path }, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(err)})`)
  }
  return parseConfig(text, path)
}

/** The settings in `text`, each with its line; syntax and shape mistakes are ConfigErrors. */
export function parseConfig (text: string, path: string): ConfigFile {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const lineAt = (offset: number): number => lines.linePos(offset).line
  const lineOf = (node: Node): number => lineAt(node.range?.[0] ?? 0)
  const syntax = doc.errors[0]
  if (syntax !== undefined) {
    const hint = syntax.code === 'UNEXPECTED_TOKEN' ? ' (a value with [ ] { } # or ": " in it needs quotes, e.g. api: "[::1]:5001")' : ''
    throw new ConfigError({ file: path, line: lineAt(syntax.pos[0]) }, `not valid YAML: ${syntax.message}${hint}`)
  }
  const root = doc.contents
  if (root === null || (isScalar(root) && root.value === null)) return { path, entries: [] } // only comments
  if (!isMap(root)) throw new ConfigError({ file: path, line: lineOf(root) }, 'is not a list of settings, one `key: value` a line')
  const entries: ConfigEntry[] = []
  for (const pair of root.items) {
    const keyNode = pair.key as Node | null
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      throw new ConfigError({ file: path, line: keyNode === null ? undefined : lineOf(keyNode) }, 'a setting\'s name must be a word like space or repair-interval')
    }
    const key = keyNode.value
    const line = lineOf(keyNode)
    const value = resolveAlias(pair.value as Node | null, doc)
    if (isSeq(value)) {
      const items = value.items.map(item => scalarItem(resolveAlias(item as Node | null, doc), { file: path, key, line }, lineOf))
      entries.push({ key, line, list: true, items })
    } else {
      entries.push({ key, line, list: false, items: [scalarItem(value, { file: path, key, line }, lineOf)] })
    }
  }
  return { path, entries }
}

function scalarItem (node: Node | null, at: { file: string, key: string, line: number }, lineOf: (node: Node) => number): ConfigItem {
  if (node === null || (isScalar(node) && node.value === null)) {
    throw new ConfigError(at, 'has no value; give one, or remove the line for the default')
  }
  if (!isScalar(node)) throw new ConfigError({ ...at, line: lineOf(node) }, 'takes a value (or a list of values), not a mapping')
  const text = typeof node.value === 'string' ? node.value : (node.source ?? String(node.value))
  return { text, line: lineOf(node) }
}

function resolveAlias (node: Node | null, doc: Document): Node | null {
  return isAlias(node) ? (node.resolve(doc) ?? null) : node
}
