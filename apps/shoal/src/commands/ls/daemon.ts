import type { DaemonClient } from '../../daemon-client.js'
import { uriPath } from '../../daemon-client.js'
import { formatBytes } from '../../size.js'

interface Listing {
  type: 'file' | 'directory'
  name: string | null
  size: number
  entries?: Array<{ name: string, type: 'file' | 'directory', size: number, uri: string }>
}

/** `shoal ls` through a running daemon: the same output as the other modes. */
export async function lsViaDaemon (daemon: DaemonClient, uri: string, flags: { json?: boolean }): Promise<void> {
  const listing = await daemon.json<Listing>('GET', uriPath('/v1/manifests/', uri))
  const rows = listing.type === 'directory'
    ? listing.entries ?? []
    : [{ name: listing.name ?? '', type: 'file' as const, size: listing.size, uri }]
  if (flags.json === true) {
    console.log(JSON.stringify({ type: listing.type, entries: rows }))
    return
  }
  for (const row of rows) {
    console.log(`${row.type === 'directory' ? 'd' : '-'} ${formatBytes(row.size).padStart(10)}  ${row.name}${row.type === 'directory' ? '/' : ''}  ${row.uri}`)
  }
}
