// The network as `shoal check`, `renew` and `rm` see it (BlockPeers in @shoal/client): the
// network source's lookups, HAS and fetches, and the chunk client's PUT, RENEW and DROP,
// each under a deadline. A node asking about itself (a daemon's own vault) asks its store,
// recording leases and ending them by their `granted` time as its lease rules would.
import { peerIdFromString } from '@libp2p/peer-id'
import type { BlockPeers } from '@shoal/client'
import type { ChunkNetworkNode, NetworkSource } from '@shoal/node'

/** Deadline of one PUT, RENEW or DROP to one peer. */
const REQUEST_TIMEOUT_MS = 30_000

export function blockPeers (node: ChunkNetworkNode, source: NetworkSource, init: { requestTimeoutMs?: number, timeout?: (ms: number) => AbortSignal } = {}): BlockPeers {
  const timeout = init.timeout ?? ((ms: number) => AbortSignal.timeout(ms))
  const ms = init.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
  const within = (signal?: AbortSignal): AbortSignal => AbortSignal.any([timeout(ms), ...(signal !== undefined ? [signal] : [])])
  const self = (holder: string): boolean => holder === node.peerId.toString()
  return {
    ...(source.clock !== undefined ? { clock: source.clock } : {}),
    get: async (cid, options) => await source.get(cid, options),
    holders: async (cid, options) => await source.holders(cid, options),
    fetchFrom: async (holder, cid, options) => await source.fetchFrom(holder, cid, options),
    has: async (holder, cids, options) => await source.has(holder, cids, options),
    async putTo (holder, cid, bytes, target, leases, options = {}) {
      if (self(holder)) {
        if (node.store === null) throw new Error('this node has no vault')
        return await node.store.put(cid, bytes, { leases: leases.map(lease => ({ ...lease, target, granted: Date.now() })) })
      }
      return await node.chunks.put(peerIdFromString(holder), cid, bytes, { target, leases, signal: within(options.signal) })
    },
    async renew (holder, cid, lease, target, options = {}) {
      if (self(holder)) return await node.store?.addLeases(cid, [{ ...lease, target, granted: Date.now() }]) === true
      return await node.chunks.renew(peerIdFromString(holder), cid, lease, { signal: within(options.signal) })
    },
    async drop (holder, cid, drop, options = {}) {
      if (self(holder)) return (await node.store?.dropLeases(cid, drop.owner, { grantedBy: drop.at }))?.held === true
      return await node.chunks.drop(peerIdFromString(holder), cid, drop, { signal: within(options.signal) })
    }
  }
}
