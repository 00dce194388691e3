// The circuit relay v2 server a publicly reachable vault runs (docs/nat.md): it lets a
// vault behind NAT be found and a connection to it be set up, no more. Limits are tight,
// and chunks never cross it (their protocol refuses relayed connections, relay-guard.ts).
// The HOP protocol is offered only while this vault is public: a vault behind NAT would
// be a relay nobody can reach.
import { circuitRelayServer, RELAY_V2_HOP_CODEC, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import type { Connection, Libp2p, Stream, StreamHandler } from '@libp2p/interface'
import type { NodeLogger } from './logger.js'

/** The relay's limits; docs/nat.md says why these. */
export const RELAY_LIMITS = {
  /** a relayed connection is cut after this long */
  durationMs: 2 * 60_000,
  /** … or after this many bytes, both ways together */
  dataBytes: 1024 * 1024,
  /** slots this relay holds for NATed vaults at once (one per peer: a peer's new reservation replaces its old) */
  maxReservations: 32,
  /** relayed connections one peer may have open through this relay at once (HOP streams per connection) */
  circuitsPerPeer: 4,
  /** a slot not refreshed within this is freed (clients refresh 5 minutes before) */
  reservationTtlMs: 30 * 60_000
} as const

/** The libp2p service: circuit relay v2 with RELAY_LIMITS. */
export function relayServer (): ReturnType<typeof circuitRelayServer> {
  return circuitRelayServer({
    maxInboundHopStreams: RELAY_LIMITS.circuitsPerPeer,
    reservations: {
      maxReservations: RELAY_LIMITS.maxReservations,
      reservationTtl: RELAY_LIMITS.reservationTtlMs,
      defaultDurationLimit: RELAY_LIMITS.durationMs,
      defaultDataLimit: BigInt(RELAY_LIMITS.dataBytes)
    }
  })
}

export interface RelayServerStats {
  /** whether this vault offers the relay now (it is public) */
  serving: boolean
  /** NATed vaults holding a slot here now */
  reservations: number
  /** relayed connections set up through this relay, and open now */
  circuits: number
  openCircuits: number
  /** bytes relayed, both ways, all circuits; and the most one circuit carried */
  bytes: number
  maxCircuitBytes: number
}

export interface RelayServerControl {
  stats: () => RelayServerStats
  /** Offers the HOP protocol (or withdraws it); identify tells peers. */
  serve: (on: boolean) => Promise<void>
}

/**
 * Takes over the server's HOP handler, registered when libp2p started: withdrawn until
 * serve(true), and wrapped to count what crosses. The byte count is the HOP stream's (the
 * relay has no counters of its own): the request, and what is relayed both ways.
 */
export async function controlRelayServer (node: Pick<Libp2p, 'handle' | 'unhandle'>, server: CircuitRelayService, logger: NodeLogger): Promise<RelayServerControl> {
  const onHop = (server as unknown as { onHop?: StreamHandler }).onHop
  const counts = { circuits: 0, openCircuits: 0, bytes: 0, maxCircuitBytes: 0 }
  let serving = false
  await node.unhandle(RELAY_V2_HOP_CODEC)

  function counted (stream: Stream, connection: Connection): void {
    let bytes = 0
    const add = (n: number): void => {
      bytes += n
      counts.bytes += n
      counts.maxCircuitBytes = Math.max(counts.maxCircuitBytes, bytes)
    }
    stream.addEventListener('message', evt => { add(evt.data.byteLength) })
    const send = stream.send.bind(stream)
    stream.send = data => { add(data.byteLength); return send(data) }
    counts.circuits++
    counts.openCircuits++
    stream.addEventListener('close', () => {
      counts.openCircuits--
      logger.debug({ peer: connection.remotePeer.toString(), bytes }, 'relay: a HOP stream closed')
    }, { once: true })
    void Promise.resolve(onHop?.(stream, connection)).catch(err => { stream.abort(err as Error) })
  }

  return {
    stats: () => ({ serving, reservations: server.reservations.size, ...counts }),
    serve: async on => {
      if (on === serving || onHop === undefined) return
      serving = on
      if (on) await node.handle(RELAY_V2_HOP_CODEC, counted, { maxInboundStreams: RELAY_LIMITS.circuitsPerPeer, maxOutboundStreams: 1 })
      else await node.unhandle(RELAY_V2_HOP_CODEC)
      logger.info({}, on ? 'relay: offering circuit relay to vaults behind NAT' : 'relay: no longer offering circuit relay')
    }
  }
}
