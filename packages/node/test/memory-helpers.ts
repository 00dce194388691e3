// Shared fixture for logic tests: an in-memory network of vaults on a virtual clock and a
// seeded random stream, so every run takes the same steps and no real time passes.
import { createVirtualClock, seededRandom, type Random, type VirtualClock } from '@shoal/runtime'
import { createMemoryStore } from '@shoal/store'
import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { createMemoryNetwork, type MemoryNetwork, type MemoryNetworkInit, type MemoryNode } from '../src/memory.js'

export interface MemoryTestnet {
  net: MemoryNetwork
  nodes: MemoryNode[]
  clock: VirtualClock
  random: Random
}

export interface MemoryTestnetInit extends Partial<Omit<MemoryNetworkInit, 'store' | 'clock' | 'random'>> {
  nodes: number
  seed?: number
  /** vault space per node (default 64 MiB) */
  space?: number
  /** vault space of node i, overriding `space` */
  spaceOf?: (index: number) => number | undefined
}

export async function memoryTestnet (init: MemoryTestnetInit): Promise<MemoryTestnet> {
  const clock = createVirtualClock()
  const random = seededRandom(init.seed ?? 1)
  const net = createMemoryNetwork({
    ...init,
    clock,
    random,
    store: index => createMemoryStore({ space: init.spaceOf?.(index) ?? init.space ?? 64 * 1024 * 1024 })
  })
  for (let i = 0; i < init.nodes; i++) await net.add()
  return { net, nodes: net.nodes, clock, random }
}

export interface Chunk { cid: CID, bytes: Uint8Array }

/** A chunk of `size` bytes drawn from `random`, addressed by its sha-256. */
export function seededChunk (random: Random, size: number): Chunk {
  const bytes = random.bytes(size)
  return { cid: CID.createV1(0x55, Digest.create(0x12, createHash('sha256').update(bytes).digest())), bytes }
}

/** Which nodes hold the chunk, asked of their stores directly. */
export async function holdersOf (nodes: MemoryNode[], chunk: Chunk): Promise<string[]> {
  const held = await Promise.all(nodes.map(async n => await n.store?.has(chunk.cid) === true))
  return nodes.filter((_, i) => held[i]).map(n => n.peerId.toString())
}

/** How many requests of `type` the trace lists since line `from`. */
export function countRequests (net: MemoryNetwork, type: 'put' | 'get' | 'has' | 'audit', from = 0): number {
  return net.trace.slice(from).filter(line => line.split(' ')[2] === type).length
}
