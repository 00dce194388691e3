import { randomBytes } from 'node:crypto'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { IP, TCP } from '@multiformats/multiaddr-matcher'
import { MAX_REPLICAS } from '@shoal/manifest'
import type { ShoalNode } from '@shoal/node'
import { UsageError } from './errors.js'

type PeerId = Awaited<ReturnType<ShoalNode['closestPeers']>>[number]

/** How long a node tries its bootstrap peers before giving up (`BootstrapError`). */
export const BOOTSTRAP_TIMEOUT_MS = 5_000
/** How long a short-lived client waits for its first DHT peer after the dial succeeded. */
const JOIN_TIMEOUT_MS = 10_000

// Multiaddrs are checked here, at the boundary, so a typo is a usage error (exit 2)
// rather than an "unexpected error" from deep inside libp2p. A node listens on TCP over an
// IP address; it dials a bootstrap peer by IP or by DNS name (the TCP socket resolves it).

export function checkListen (address: string, flag = '--listen'): string {
  const ma = parse(address)
  if (ma === null || !IP.matches(ma) || !TCP.exactMatch(ma) || last(ma) !== 'tcp') {
    throw new UsageError(`${flag}: '${address}' is not a listen address like /ip4/127.0.0.2/tcp/4001`)
  }
  return address
}

/**
 * `--bootstrap`: TCP at an IP address or a DNS name, with or without `/p2p/<peer ID>`.
 * Without one, whoever answers there is taken as the bootstrap peer (its identity is
 * learned, not checked): what lets a compose file name `/dns4/bootstrap/tcp/4001`.
 */
export function checkBootstrap (addresses: string[] | undefined, flag = '--bootstrap'): string[] {
  for (const address of addresses ?? []) {
    const ma = parse(address)
    // dnsaddr is a TXT-record lookup, not a host name the socket can resolve
    if (ma === null || !TCP.exactMatch(ma) || ma.getComponents()[0].name === 'dnsaddr') {
      throw new UsageError(`${flag}: '${address}' is not a peer address like /ip4/127.0.0.2/tcp/4001/p2p/12D3Koo... or /dns4/bootstrap/tcp/4001`)
    }
  }
  return addresses ?? []
}

function parse (address: string): Multiaddr | null {
  try {
    return multiaddr(address)
  } catch {
    return null // not a multiaddr at all (no leading '/', an unknown protocol, a bad value)
  }
}

/** The name of the address's last protocol: `tcp`, or `p2p` when it ends in a peer ID. */
function last (ma: Multiaddr): string | undefined {
  return ma.getComponents().at(-1)?.name
}

/** `--replicas`: a whole number from 1 to MAX_REPLICAS (what a manifest can record). */
export function checkReplicas (text: string, flag = '--replicas'): number {
  const replicas = Number(text)
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > MAX_REPLICAS) throw new UsageError(`${flag}: '${text}' is not a whole number from 1 to ${MAX_REPLICAS}`)
  return replicas
}

/** The client joined the network (a bootstrap peer answered) but never learned of a DHT peer. */
export class NoPeersError extends Error {
  static readonly code = 'ERR_NO_PEERS'
  readonly code = NoPeersError.code
  override name = 'NoPeersError'
  constructor (seconds: number) { super(`no DHT peer found within ${seconds} s of joining the network`) }
}

/**
 * Resolves once a DHT lookup finds `want` peers (a put wants as many as its replicas),
 * or, after `timeoutMs`, once it finds any. A fresh network needs a moment: kad-dht adds a
 * peer to the routing table only after identify says it speaks our DHT protocol, and the
 * bootstrap peer learns of the others the same way, so a lookup made at once after the
 * dial finds too few and the sink would fail with InsufficientHoldersError.
 * Returns what that lookup found: asked for `ask` (≥ want) peers, the answer spares the
 * operation its own first lookup (NetworkSourceInit.network).
 */
export async function waitForDhtPeers (node: ShoalNode, options: { want: number, ask?: number, signal?: AbortSignal, timeoutMs?: number }): Promise<PeerId[]> {
  const timeoutMs = options.timeoutMs ?? JOIN_TIMEOUT_MS
  const deadline = Date.now() + timeoutMs
  const table = (): number => node.routingTableSize
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted()
    if (table() > 0) {
      const key = randomBytes(32)
      // 2 s is plenty on an idle network; a busy machine's lookups get longer each try, up to 8 s
      const lookupMs = Math.min(2_000 * attempt, 8_000)
      const signal = AbortSignal.any([AbortSignal.timeout(lookupMs), ...(options.signal !== undefined ? [options.signal] : [])])
      const peers = await node.closestPeers(key, Math.max(options.want, options.ask ?? 0), { signal }).catch(() => [])
      if (peers.length >= options.want || (peers.length > 0 && Date.now() > deadline)) return peers
    }
    if (Date.now() > deadline + 2_000) throw new NoPeersError(timeoutMs / 1000)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
