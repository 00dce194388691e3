// Relay slots of a vault behind NAT (docs/nat.md): while it is behind NAT it holds a slot
// on RELAY_SLOTS public relays, found by circuit relay v2's own discovery (connected peers
// that offer the HOP protocol, then a random walk), and announces the /p2p-circuit
// addresses they give (identify, so the DHT hands them out). A vault that becomes public
// gives its slots up.
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from '@libp2p/interface'
import type { AddressManager, TransportManager } from '@libp2p/interface-internal'
import type { NodeLogger } from './logger.js'

/** Relays a vault behind NAT holds a slot on: one spare, so losing a relay leaves it found. */
export const RELAY_SLOTS = 2

type Listener = ReturnType<TransportManager['getListeners']>[number]

export interface RelayClient {
  /** the /p2p-circuit addresses this node is reachable on now */
  relays: () => string[]
  /** Takes slots (behind NAT) or gives them up. */
  reserve: (behindNat: boolean) => Promise<void>
}

export function createRelayClient (node: Pick<Libp2p, 'getMultiaddrs'>, transports: TransportManager, addresses: AddressManager, logger: NodeLogger): RelayClient {
  let listeners: Listener[] = []
  let reserving = false

  return {
    relays: () => oneAddressPerRelay(node.getMultiaddrs().map(String)),
    reserve: async behindNat => {
      if (behindNat === reserving) return
      reserving = behindNat
      if (behindNat) {
        const before = new Set(transports.getListeners())
        // each bare /p2p-circuit is one slot to find
        await transports.listen(Array.from({ length: RELAY_SLOTS }, () => multiaddr('/p2p-circuit')))
        listeners = transports.getListeners().filter(l => !before.has(l))
        logger.info({ slots: RELAY_SLOTS }, 'relay: behind NAT, looking for relays to hold a slot on')
        return
      }
      const held = listeners.flatMap(l => l.getAddrs())
      await Promise.all(listeners.map(async l => { await l.close() }))
      listeners = []
      // the listener forgets its addresses; the address book must too
      for (const address of held) addresses.removeObservedAddr(address)
      logger.info({}, 'relay: reachable, relay slots given up')
    }
  }
}

/**
 * The /p2p-circuit addresses among `addresses`, one per relay: a relay with several
 * addresses of its own (a LAN and a forwarded one, say) gives one relayed address on each,
 * yet it is one slot.
 */
export function oneAddressPerRelay (addresses: string[]): string[] {
  const byRelay = new Map<string, string>()
  for (const address of addresses) {
    const relay = /\/p2p\/([^/]+)\/p2p-circuit/.exec(address)?.[1]
    if (relay !== undefined && !byRelay.has(relay)) byRelay.set(relay, address)
  }
  return [...byRelay.values()]
}
