import { readManifest } from '@shoal/client'
import { formatCapability, parseCapability } from '@shoal/manifest'
import { withChunks, type CommonOptions } from '../../context.js'
import { formatBytes } from '../../size.js'
import { findDaemon } from '../../daemon-client.js'
import { lsViaDaemon } from './daemon.js'

export async function lsHandler (uri: string, flags: CommonOptions): Promise<void> {
  const capability = parseCapability(uri)
  const daemon = await findDaemon(flags) // a running `shoal node` of the data dir does the work
  if (daemon !== null) { await lsViaDaemon(daemon, uri, flags); return }
  const manifest = await withChunks(flags, async (chunks, signal) => await readManifest(capability, chunks.source(), { signal }))
  const rows = manifest.type === 'directory'
    ? manifest.entries.map(e => ({ name: e.name, type: e.type, size: e.size, uri: formatCapability(e.capability) }))
    : [{ name: manifest.name ?? '', type: 'file' as const, size: manifest.size, uri }]
  if (flags.json === true) {
    console.log(JSON.stringify({ type: manifest.type, entries: rows }))
    return
  }
  for (const row of rows) {
    console.log(`${row.type === 'directory' ? 'd' : '-'} ${formatBytes(row.size).padStart(10)}  ${row.name}${row.type === 'directory' ? '/' : ''}  ${row.uri}`)
  }
}
