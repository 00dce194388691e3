// Chunks never cross a relay (docs/nat.md): the chunk protocol's handler is registered
// without runOnLimitedConnection, so a vault refuses it on a relayed connection, and the
// asking side fails at once with RelayedOnlyError rather than dialling or waiting when the
// only connection to the peer is relayed. Refusals are counted for the metrics.
import type { AbortOptions, Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'

/** A chunk request to a peer reachable only through a relay, whose limits are not for chunks. */
export class RelayedOnlyError extends Error {
  static readonly code = 'ERR_RELAYED_ONLY'
  readonly code = RelayedOnlyError.code
  override name = 'RelayedOnlyError'
  constructor (readonly peer: string) {
    super(`peer ${peer} is connected through a relay only; chunks are not sent over relays`)
  }
}

/** Whether every open connection to the peer is relayed (limited), and there is one. */
export function relayedOnly (connections: Connection[]): boolean {
  const open = connections.filter(c => c.status === 'open')
  return open.length > 0 && open.every(c => c.limits != null)
}

type Dialer = Pick<Libp2p, 'dialProtocol' | 'getConnections'>

export interface ChunkDialGuard {
  /** libp2p's dialProtocol, refusing relayed-only peers with RelayedOnlyError */
  dialProtocol: (peer: PeerId, protocols: string | string[], options?: AbortOptions) => Promise<Stream>
  /** chunk requests refused so far for being on a relayed connection */
  refused: () => number
}

/** Wraps `libp2p`'s dialProtocol for the chunk client (sessions.ts takes it as its libp2p). */
export function guardChunkDials (libp2p: Dialer): ChunkDialGuard {
  let refused = 0
  const refuse = (peer: PeerId): RelayedOnlyError => {
    refused++
    return new RelayedOnlyError(peer.toString())
  }
  return {
    refused: () => refused,
    dialProtocol: async (peer, protocols, options = {}) => {
      if (relayedOnly(libp2p.getConnections(peer))) throw refuse(peer)
      try {
        return await libp2p.dialProtocol(peer, protocols, options)
      } catch (err) {
        // a dial that could only reach the peer through a relay
        if ((err as Error).name === 'LimitedConnectionError') throw refuse(peer)
        throw err
      }
    }
  }
}
