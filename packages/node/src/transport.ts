// The seam between the chunk protocol's logic and what carries it: libp2p streams
// (sessions.ts) in a real node, direct calls in the in-memory network (memory-network.ts).
// Placement, lookups, the network source and (later) repair only ever see a ChunkClient
// built on one of these.
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Request, Response } from '@shoal/protocol'

export interface TransportRequestOptions extends AbortOptions {
  /** where a large answer (a chunk) is assembled, e.g. a buffer the caller recycles */
  allocate?: (length: number) => Uint8Array
}

export interface ChunkTransport {
  /**
   * Sends `request` to `peer` (its id is assigned here) and resolves with the answer.
   * Rejects when the peer cannot be reached, breaks the protocol, or the signal aborts.
   */
  request: (peer: PeerId, request: Request, options?: TransportRequestOptions) => Promise<Response>
}
