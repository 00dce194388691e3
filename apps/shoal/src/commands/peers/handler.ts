import { requireDaemon } from '../../daemon-client.js'

export async function peersHandler (flags: { data?: string, json?: boolean }): Promise<void> {
  const daemon = await requireDaemon(flags)
  const peers = await daemon.json<Array<{ peerId: string, addresses: string[] }>>('GET', '/v1/peers', { signal: AbortSignal.timeout(10_000) })
  if (flags.json === true) {
    console.log(JSON.stringify(peers))
    return
  }
  for (const peer of peers) console.log(`${peer.peerId}  ${peer.addresses.join(' ')}`)
  if (peers.length === 0) console.error('no peers connected')
}
