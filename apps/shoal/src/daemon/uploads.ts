// The files and trees a daemon uploaded, so that it renews their leases before they run
// out: an append-only log in the data dir (one JSON line per change, fsynced), compacted
// when opened. A directory's upload takes over its entries: renewing it renews them.
import { appendFile, open, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { readSecretFile } from '@shoal/crypto'

export const UPLOADS_FILE = 'uploads.log'

export interface Upload {
  uri: string
  /** how long each renewal leases it for */
  leaseMs: number
  /** wall time its current lease ends */
  expires: number
}

export type Line = { add: string, leaseMs: number, expires: number } | { remove: string }

export interface Uploads {
  /** Records an upload (and forgets the entries a directory now covers). */
  add: (uri: string, leaseMs: number, now: number, covers?: string[]) => Promise<void>
  /** Stops renewing it (removed with `shoal rm`). */
  forget: (uri: string) => Promise<void>
  /** Records a renewal. */
  renewed: (uri: string, expires: number) => Promise<void>
  /** Every upload kept (renewed), by URI. */
  uris: () => string[]
  /** Those with less than a third of their lease left at `now`, soonest first, at most `limit`. */
  due: (now: number, limit: number) => Upload[]
  readonly size: number
}

export async function openUploads (dir: string): Promise<Uploads> {
  const path = join(dir, UPLOADS_FILE)
  const kept = new Map<string, Upload>()
  // every capability it holds reads a file: refused (ExposedSecretFileError) when others may read it
  const text = (await readSecretFile(path))?.toString('utf8') ?? ''
  for (const line of text.split('\n')) {
    const entry = readLine(line)
    if (entry === null) continue // a line cut by a crash mid-append, or damaged: the others stand
    if ('remove' in entry) kept.delete(entry.remove)
    else kept.set(entry.add, { uri: entry.add, leaseMs: entry.leaseMs, expires: entry.expires })
  }
  // compacted: one line per upload kept
  const temp = `${path}.${process.pid}.tmp`
  await writeSynced(temp, [...kept.values()].map(u => line({ add: u.uri, leaseMs: u.leaseMs, expires: u.expires })).join(''))
  await rename(temp, path)

  const append = async (lines: Line[]): Promise<void> => {
    if (lines.length > 0) await appendFile(path, lines.map(line).join(''), { mode: 0o600 })
  }
  return {
    get size () { return kept.size },
    async add (uri, leaseMs, now, covers = []) {
      const upload = { uri, leaseMs, expires: now + leaseMs }
      const removed = covers.filter(child => child !== uri && kept.delete(child))
      kept.set(uri, upload)
      await append([...removed.map(child => ({ remove: child })), { add: uri, leaseMs, expires: upload.expires }])
    },
    async forget (uri) {
      if (kept.delete(uri)) await append([{ remove: uri }])
    },
    async renewed (uri, expires) {
      const upload = kept.get(uri)
      if (upload === undefined) return
      upload.expires = expires
      await append([{ add: uri, leaseMs: upload.leaseMs, expires }])
    },
    uris () {
      return [...kept.keys()]
    },
    due (now, limit) {
      return [...kept.values()]
        .filter(u => u.expires - now < u.leaseMs / 3)
        .sort((a, b) => a.expires - b.expires)
        .slice(0, limit)
    }
  }
}

/** One line of the log, or null for a blank, cut or damaged one (JSON of another shape: `null`, `5`, `{}`). */
export function readLine (text: string): Line | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const { add, remove, leaseMs, expires } = value as Record<string, unknown>
  if (typeof remove === 'string') return { remove }
  if (typeof add === 'string' && Number.isSafeInteger(leaseMs) && Number.isSafeInteger(expires)) return { add, leaseMs: leaseMs as number, expires: expires as number }
  return null
}

function line (entry: Line): string {
  return JSON.stringify(entry) + '\n'
}

async function writeSynced (path: string, text: string): Promise<void> {
  const file = await open(path, 'w', 0o600)
  try {
    await file.writeFile(text)
    await file.sync()
  } finally {
    await file.close()
  }
}
