// A vault that finds itself alone dials its bootstrap peers again. kad-dht learns of peers
// only through connections, so a vault whose one bootstrap connection dropped just after
// start (or whose network went away for a while) would otherwise stay alone for good,
// holding chunks nobody can find.
import type { Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import type { NodeLogger } from './logger.js'

/** How often a vault checks that it has a peer (NodeInit.rejoinIntervalMs). */
export const REJOIN_INTERVAL_MS = 30_000

export interface RejoinInit {
  libp2p: Pick<Libp2p, 'dial' | 'getConnections'>
  /** the bootstrap multiaddrs the node started with */
  addresses: readonly string[]
  intervalMs: number
  /** bound on each round of dials */
  timeoutMs: number
  logger: NodeLogger
}

/** Every `intervalMs`, while the node has no open connection, dials the bootstrap addresses. Returns a stop function. */
export function keepJoined (init: RejoinInit): () => void {
  const { libp2p, addresses, logger } = init
  if (addresses.length === 0) return () => {}
  let dialling = false
  // said once per spell alone, not every interval
  let warned = false
  const stopped = new AbortController()
  const round = async (): Promise<void> => {
    if (dialling || libp2p.getConnections().length > 0) return
    dialling = true
    try {
      const signal = AbortSignal.any([stopped.signal, AbortSignal.timeout(init.timeoutMs)])
      const results = await Promise.allSettled(addresses.map(async address => await libp2p.dial(multiaddr(address), { signal })))
      const joined = results.filter(r => r.status === 'fulfilled').length
      if (joined > 0) {
        logger.info({ joined, of: addresses.length }, 'no peers were left: dialled the bootstrap peers again')
        warned = false
      } else if (!warned) {
        logger.warn({ addresses }, `no peers are left and no bootstrap peer answers; trying again every ${init.intervalMs / 1000} s`)
        warned = true
      }
    } finally {
      dialling = false
    }
  }
  const timer = setInterval(() => { void round().catch(() => {}) }, init.intervalMs)
  timer.unref()
  return () => {
    stopped.abort()
    clearInterval(timer)
  }
}
