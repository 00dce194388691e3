import { answerSignal, requireDaemon } from '../../daemon-client.js'
import { println, type CommandIo } from '../../io.js'
import { formatBytes } from '../../size.js'
import { ledgerLines, repairLines, type LedgerEntry, type RepairStatus } from './repair-lines.js'

interface Status {
  peerId: string
  addresses: string[]
  api: string
  peers: number
  /** whether peers can dial this node (docs/nat.md); absent from a daemon older than it */
  reachability?: { state: string, label: string, hint: string }
  /** relays (docs/nat.md); absent from a daemon older than them */
  relay?: { reservations: string[], relayedConnections: number, refusedChunkRequests: number, server: { serving: boolean, reservations: number, circuits: number, bytes: number } | null }
  /** diskFree: null for a vault with no disk (never, for a node) */
  store: { chunks: number, bytes: number, space: number, diskFree: number | null }
  /** null when the node runs no repair loop */
  repair: RepairStatus | null
  /** every peer this vault has an account with */
  ledger: LedgerEntry[]
  uptimeSeconds: number
  version: string
}

export async function statusHandler (flags: { data?: string, json?: boolean }, io: CommandIo): Promise<void> {
  const daemon = await requireDaemon(flags, io)
  const status = await daemon.json<Status>('GET', '/v1/status', { signal: answerSignal(io) })
  if (flags.json === true) {
    println(io.stdout, JSON.stringify(status))
    return
  }
  const { store } = status
  const used = store.space > 0 ? ` (${(100 * store.bytes / store.space).toFixed(1)} %)` : ''
  println(io.stdout, `peer    ${status.peerId}`)
  for (const address of status.addresses) println(io.stdout, `listen  ${address}`)
  println(io.stdout, `api     ${status.api}`)
  println(io.stdout, `peers   ${status.peers} connected`)
  if (status.reachability !== undefined) println(io.stdout, `reach   ${status.reachability.label}: ${status.reachability.hint}`)
  for (const line of relayLines(status.relay)) println(io.stdout, line)
  println(io.stdout, `chunks  ${store.chunks} held, ${formatBytes(store.bytes)} of ${formatBytes(store.space)} offered${used}`)
  if (store.diskFree !== null) println(io.stdout, `disk    ${diskLine(store.bytes, store.space, store.diskFree)}`)
  for (const line of repairLines(status.repair)) println(io.stdout, line)
  for (const line of ledgerLines(status.ledger ?? [], LEDGER_PEERS_SHOWN)) println(io.stdout, line)
  println(io.stdout, `uptime  ${status.uptimeSeconds} s, version ${status.version}`)
}

function relayLines (relay: Status['relay']): string[] {
  if (relay === undefined) return []
  const lines = relay.reservations.map(address => `relay   slot at ${address}`)
  const server = relay.server
  if (server?.serving === true || (server?.circuits ?? 0) > 0) {
    lines.push(`relay   offered: ${server?.reservations ?? 0} slots held here, ${server?.circuits ?? 0} relayed connections, ${formatBytes(server?.bytes ?? 0)} relayed`)
  }
  if (relay.refusedChunkRequests > 0) lines.push(`relay   ${relay.refusedChunkRequests} chunk requests not sent: peer reachable through a relay only`)
  return lines
}

/** Peers of the ledger the text form shows (those with the most bytes either way); --json has all. */
const LEDGER_PEERS_SHOWN = 10

/** What the disk has free, and how much more the vault can take: the lesser of its offer's rest and the disk. */
function diskLine (bytes: number, space: number, diskFree: number): string {
  const offered = Math.max(0, space - bytes)
  const more = Math.min(offered, diskFree)
  const short = diskFree < offered ? ', less than --space offers' : ''
  return `${formatBytes(diskFree)} free; the vault can take ${formatBytes(more)} more${short}`
}
