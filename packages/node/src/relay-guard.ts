// Chunks never cross a relay (docs/nat.md): the chunk protocol's handler is registered
// without runOnLimitedConnection, so a vault refuses it on a relayed connection, and the
// asking side (sessions.ts) punches a direct connection first or fails with RelayedOnlyError.
import type { Connection } from '@libp2p/interface'

/** Whether every open connection to the peer is relayed (limited), and there is one. */
export function relayedOnly (connections: Connection[]): boolean {
  const open = connections.filter(c => c.status === 'open')
  return open.length > 0 && open.every(c => c.limits != null)
}
