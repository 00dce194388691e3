// check, renew and rm over the network, as a client node or a daemon does them: the walk of
// a capability's blocks, then HAS, PUT, RENEW or DROP to their holders, signed with the
// node's own key (the key its uploads' leases were signed with).
import { blocksUsedBy, checkWalk, dropWalk, renewWalk, walkBlocks, type BlockSigner } from '@shoal/client'
import { parseCapability } from '@shoal/manifest'
import type { ChunkNetworkNode, NetworkSource } from '@shoal/node'
import type { Upkeep } from './backend.js'
import { blockPeers } from './block-peers.js'

export function networkUpkeep (node: ChunkNetworkNode & { readonly leases: BlockSigner | null }, source: NetworkSource): Upkeep {
  const peers = blockPeers(node, source)
  const signer = (): BlockSigner => {
    if (node.leases === null) throw new Error('the node has no key to sign leases with (not started)')
    return node.leases
  }
  return {
    async check (uri, options) {
      const walk = await walkBlocks(parseCapability(uri), source, options)
      return await checkWalk(walk, peers, { signal: options.signal, ...(options.repair ? { repair: { signer: signer(), leaseMs: options.leaseMs } } : {}) })
    },
    async renew (uri, options) {
      const walk = await walkBlocks(parseCapability(uri), source, options)
      return await renewWalk(walk, peers, { signal: options.signal, signer: signer(), leaseMs: options.leaseMs })
    },
    async remove (uri, options = {}) {
      const walk = await walkBlocks(parseCapability(uri), source, options)
      const keep = options.keep !== undefined ? await blocksUsedBy(options.keep.map(parseCapability), source, options) : undefined
      return await dropWalk(walk, peers, { signal: options.signal, signer: signer(), ...(keep !== undefined ? { keep } : {}) })
    }
  }
}
