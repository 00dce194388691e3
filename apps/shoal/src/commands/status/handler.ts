import { requireDaemon } from '../../daemon-client.js'
import { formatBytes } from '../../size.js'

interface Status {
  peerId: string
  addresses: string[]
  api: string
  peers: number
  store: { chunks: number, bytes: number, space: number }
  uptimeSeconds: number
  version: string
}

export async function statusHandler (flags: { data?: string, json?: boolean }): Promise<void> {
  const daemon = await requireDaemon(flags)
  const status = await daemon.json<Status>('GET', '/v1/status', { signal: AbortSignal.timeout(10_000) })
  if (flags.json === true) {
    console.log(JSON.stringify(status))
    return
  }
  const { store } = status
  const used = store.space > 0 ? ` (${(100 * store.bytes / store.space).toFixed(1)} %)` : ''
  console.log(`peer    ${status.peerId}`)
  for (const address of status.addresses) console.log(`listen  ${address}`)
  console.log(`api     ${status.api}`)
  console.log(`peers   ${status.peers} connected`)
  console.log(`chunks  ${store.chunks} held, ${formatBytes(store.bytes)} of ${formatBytes(store.space)} offered${used}`)
  console.log(`uptime  ${status.uptimeSeconds} s, version ${status.version}`)
}
