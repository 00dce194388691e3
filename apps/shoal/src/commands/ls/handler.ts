import { parseCapability } from '@shoal/manifest'
import type { Entry, Listing } from '../../backend/backend.js'
import { withBackend } from '../../backend/choose.js'
import type { CommonOptions } from '../../context.js'
import { println, type CommandIo } from '../../io.js'
import { formatBytes } from '../../size.js'
import { listTree, type RemoteDirectory } from '../../transfer/list-tree.js'
import { showName } from '../escape.js'

export interface LsFlags extends CommonOptions { recursive?: boolean }

/** A row of the listing: an entry, and with -R its path from the root. */
type Row = Entry & { path?: string }

export async function lsHandler (uri: string, flags: LsFlags, io: CommandIo): Promise<void> {
  parseCapability(uri) // a malformed URI fails before any I/O
  const { listing, rows } = await withBackend(flags, io, {}, async (backend, signal) => {
    if (flags.recursive !== true) {
      const listing = await backend.list(uri, { signal })
      return { listing, rows: rowsOf(listing, uri) }
    }
    // the whole tree, listed up to 8 directories at a time, then shown in order
    const tree = await listTree(backend, uri, signal)
    return { listing: tree.top, rows: tree.directory === undefined ? rowsOf(tree.top, uri) : walk(tree.directory, '') }
  })
  if (flags.json === true) {
    println(io.stdout, JSON.stringify({ type: listing.type, entries: rows }))
    return
  }
  for (const row of rows) println(io.stdout, line(row))
}

function rowsOf (listing: Listing, uri: string): Row[] {
  return listing.type === 'directory' ? listing.entries : [{ name: listing.name ?? '', type: 'file', size: listing.size, uri }]
}

/** Every entry beneath `directory`, each directory followed by what it holds, as `find` lists them. */
function walk (directory: RemoteDirectory, relative: string): Row[] {
  const rows: Row[] = []
  for (const entry of directory.listing.entries) {
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`
    rows.push({ ...entry, path })
    const inner = directory.children.get(entry.name)
    if (entry.type === 'directory' && inner !== undefined) rows.push(...walk(inner, path))
  }
  return rows
}

/** One row as `ls -l` would show it, names escaped (`\n`, `\x1b`) so none can break the listing. */
function line (row: Row): string {
  const name = showName(row.path ?? row.name)
  if (row.type === 'symlink') return `l ${'-'.padStart(10)}  ${name} -> ${showName(row.target)}`
  return `${row.type === 'directory' ? 'd' : '-'} ${formatBytes(row.size).padStart(10)}  ${name}${row.type === 'directory' ? '/' : ''}  ${row.uri}`
}
