import { parseCapability } from '@shoal/manifest'
import { withBackend } from '../../backend/choose.js'
import type { CommonOptions } from '../../context.js'
import { println, type CommandIo } from '../../io.js'
import { formatBytes } from '../../size.js'
import type { Entry } from '../../backend/backend.js'
import { showName } from '../escape.js'

export async function lsHandler (uri: string, flags: CommonOptions, io: CommandIo): Promise<void> {
  parseCapability(uri) // a malformed URI fails before any I/O
  const listing = await withBackend(flags, io, {}, async (backend, signal) => await backend.list(uri, { signal }))
  const rows: Entry[] = listing.type === 'directory'
    ? listing.entries
    : [{ name: listing.name ?? '', type: 'file', size: listing.size, uri }]
  if (flags.json === true) {
    println(io.stdout, JSON.stringify({ type: listing.type, entries: rows }))
    return
  }
  for (const row of rows) {
    if (row.type === 'symlink') {
      println(io.stdout, `l ${'-'.padStart(10)}  ${showName(row.name)} -> ${showName(row.target)}`)
      continue
    }
    println(io.stdout, `${row.type === 'directory' ? 'd' : '-'} ${formatBytes(row.size).padStart(10)}  ${row.name}${row.type === 'directory' ? '/' : ''}  ${row.uri}`)
  }
}
