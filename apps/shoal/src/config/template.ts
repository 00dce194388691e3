// The commented config file `shoal init` writes: each setting explained, with its flag and
// variable; the values given set, every other one commented out with its default (or an
// example), so uncommenting a line is all it takes to change it.
import { stringify } from 'yaml'

export interface TemplateEntry {
  key: string
  flag: string
  env: string
  description: string
  /** written as a setting */
  value?: string | string[]
  /** written commented out, when there is no value */
  fallback?: { kind: 'default' | 'example', value: string | string[] }
}

const WIDTH = 88

export function renderTemplate (header: string[], entries: TemplateEntry[]): string {
  const out = header.map(line => line === '' ? '#' : `# ${line}`)
  for (const entry of entries) {
    out.push('')
    out.push(...comment(capitalize(entry.description)))
    const names = `${entry.flag}, ${entry.env}`
    if (entry.value !== undefined) {
      out.push(`# (${names})`)
      out.push(yamlLines(entry.key, entry.value).join('\n'))
    } else if (entry.fallback !== undefined) {
      out.push(`# (${names}) ${entry.fallback.kind}:`)
      out.push(...yamlLines(entry.key, entry.fallback.value).map(line => `# ${line}`))
    } else {
      out.push(`# (${names})`)
    }
  }
  return out.join('\n') + '\n'
}

/** `key: value` as YAML writes it (quoted where it must be); whole numbers left bare. */
function yamlLines (key: string, value: string | string[]): string[] {
  const plain = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  return stringify({ [key]: plain }).trimEnd().split('\n')
}

function comment (text: string): string[] {
  const lines: string[] = []
  let line = '#'
  for (const word of text.split(/\s+/)) {
    if (line.length + 1 + word.length > WIDTH && line !== '#') {
      lines.push(line)
      line = '#'
    }
    line += ` ${word}`
  }
  lines.push(line)
  return lines
}

function capitalize (text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
