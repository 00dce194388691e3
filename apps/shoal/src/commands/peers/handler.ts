import { answerSignal, requireDaemon } from '../../daemon-client.js'
import { println, type CommandIo } from '../../io.js'

export async function peersHandler (flags: { data?: string, json?: boolean }, io: CommandIo): Promise<void> {
  const daemon = await requireDaemon(flags, io)
  const peers = await daemon.json<Array<{ peerId: string, addresses: string[] }>>('GET', '/v1/peers', { signal: answerSignal(io) })
  if (flags.json === true) {
    println(io.stdout, JSON.stringify(peers))
    return
  }
  for (const peer of peers) println(io.stdout, `${peer.peerId}  ${peer.addresses.join(' ')}`)
  if (peers.length === 0) println(io.stderr, 'no peers connected')
}
