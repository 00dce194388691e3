import { UsageError } from './errors.js'

// Decimal and binary units, any case; a bare number is refused: `--space 12` meaning
// 12 bytes surprised everyone who typed it.
const UNITS: Record<string, number> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40
}

/** Parses sizes like `512MiB`, `50GB`, `1.5TiB`, `4096B`; the unit is required. */
export function parseSize (text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text)
  const unit = match?.[2].toLowerCase()
  if (match !== null && unit === '') {
    throw new UsageError(`${flag}: '${text}' has no unit (say ${text.trim()}B for bytes, or e.g. 500MiB, 50GiB, 2TB)`)
  }
  if (match === null || unit === undefined || !(unit in UNITS)) {
    throw new UsageError(`${flag}: '${text}' is not a size (examples: 500MiB, 50GiB, 2TB)`)
  }
  const bytes = Math.floor(Number(match[1]) * UNITS[unit])
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`${flag}: '${text}' is too large`)
  return bytes
}

export function formatBytes (bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let i = 0
  while (value >= 1024 && i < units.length - 1) { value /= 1024; i++ }
  return `${i === 0 ? value : value.toFixed(1)} ${units[i]}`
}
