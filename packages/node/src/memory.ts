/**
 * @shoal/node/memory — everything of a vault's network logic that runs without libp2p:
 * the in-memory network, placement, the network source, lookups and the request
 * handler. Importing it loads no libp2p transport, muxer or DHT.
 */
export { createMemoryNetwork, type MemoryNetwork, type MemoryNetworkInit, type MemoryNode, type MemoryRepairOptions, type MembershipIndex, type Behaviour } from './memory-network.js'
export { createRepairer, DEFAULT_REPAIR_OPTIONS, type Repairer, type RepairerInit, type RepairOptions } from './repair/repairer.js'
export type { RepairMetrics, RepairStore, RepairChunks } from './repair/types.js'
export { createNetworkSink, HAS_FIRST_ABOVE, type NetworkSink, type NetworkSinkInit, type PlacementNode } from './placement.js'
export { createNetworkSource, type NetworkSource, type NetworkSourceInit, type SourceNode } from './network-source.js'
export { sortByDistance, chunkKey, kadId, compareDistance } from './closest-peers.js'
export { DHT_K, KEPT_CHUNKS, cachedLookup, type PeerLookup, type ChunkNetworkNode, type CachedLookupInit } from './lookup.js'
export { auditProof, createRequestHandler, DEFAULT_REQUEST_LIMITS, type RequestHandler, type RequestHandlerInit, type RequestLimits } from './request-handler.js'
export { createChunkClient, type ChunkClient, type GetRequestOptions } from './chunk-client.js'
export type { ChunkTransport, TransportRequestOptions } from './transport.js'
export { InsufficientHoldersError, LookupFailedError, PeerIntegrityError, PeerUnreachableError, BadResponseError } from './errors.js'
