// Shared fixture for logic tests: an in-memory network of vaults on a virtual clock and a
// seeded random stream, so every run takes the same steps and no real time passes.
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { createVirtualClock, seededRandom, type Random, type VirtualClock } from '@shoal/runtime'
import { encodeParity } from '@shoal/erasure'
import { stripeKey, type ErasureTarget, type RedundancyTarget } from '@shoal/protocol'
import { createMemoryStore, type LeaseRecord } from '@shoal/store'
import { createLeaseSigner, type LeaseSigner } from '../src/leases.js'
import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import type { RepairOptions } from '../src/repair/repairer.js'
import { chunkKey, createMemoryNetwork, sortByDistance, type MemoryNetwork, type MemoryNetworkInit, type MemoryNode } from '../src/memory.js'

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

/** The repair period of the repair tests' vaults. */
export const REPAIR_INTERVAL = 10_000

/** Vaults that repair every REPAIR_INTERVAL, 2 ms apart. */
export async function repairTestnet (nodes: number, seed: number, repair: Partial<RepairOptions> = {}): Promise<MemoryTestnet> {
  return await memoryTestnet({ nodes, seed, latencyMs: () => 2, repair: { intervalMs: REPAIR_INTERVAL, ...repair } })
}

/** `n` repair periods go by; the ticks of the last one run to their end, half a period later. */
export async function periods (t: MemoryTestnet, n: number): Promise<void> {
  await t.clock.run(async () => { await t.clock.sleep(n * REPAIR_INTERVAL + REPAIR_INTERVAL / 2) })
}

/** The held blob of `chunk` changes under the vault (one byte flipped), its leases kept: the store learns it on the next read. */
export async function rotBlob (node: MemoryNode, chunk: Chunk, at: number): Promise<readonly LeaseRecord[] | undefined> {
  const store = node.store as NonNullable<MemoryNode['store']>
  const leases = (await store.record(chunk.cid))?.leases
  await store.delete(chunk.cid)
  const rotten = Uint8Array.from(chunk.bytes)
  rotten[at] ^= 0xff
  await store.put(chunk.cid, rotten, { hashed: true, leases })
  return leases
}

export interface Chunk { cid: CID, bytes: Uint8Array }

/** A chunk of `size` bytes drawn from `random`, addressed by its sha-256. */
export function seededChunk (random: Random, size: number): Chunk {
  return chunkOf(random.bytes(size))
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

const REPLICATE_3 = { scheme: 'replicate' as const, replicas: 3 }
/** Leases of test uploads run a year past the start of the virtual clock (0), which is the memory network's wall time. */
const LEASE_MS = 365 * 24 * 3600_000

const owners = new Map<number, Promise<LeaseSigner>>()

/** The lease signer of made-up uploader `owner`: an Ed25519 key from its number. */
export async function ownerSigner (owner: number): Promise<LeaseSigner> {
  let signer = owners.get(owner)
  if (signer === undefined) {
    signer = generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(owner)).then(createLeaseSigner)
    owners.set(owner, signer)
  }
  return await signer
}

/** A lease as the store keeps it, signed by uploader `owner` for `target` (default replicate 3), as vaults verify them. */
export async function testLease (owner: number, cid: CID, target: RedundancyTarget = REPLICATE_3, expires = LEASE_MS): Promise<LeaseRecord> {
  return { ...(await ownerSigner(owner)).lease(cid, target, expires), target }
}

/** Stores the chunk, with one lease for replicate `replicas`, on the `replicas` nodes closest to it (as an upload would). */
export async function placeLeased (nodes: MemoryNode[], chunk: Chunk, replicas = 3, owner = 1): Promise<MemoryNode[]> {
  const closest = sortByDistance(chunkKey(chunk.cid), nodes.filter(n => n.up).map(n => n.peerId)).slice(0, replicas)
  const holders = closest.map(peer => nodes.find(n => n.peerId.equals(peer)) as MemoryNode)
  const lease = await testLease(owner, chunk.cid, { scheme: 'replicate', replicas })
  for (const node of holders) await node.store?.put(chunk.cid, chunk.bytes, { leases: [lease] })
  return holders
}

export interface PlacedStripe {
  k: number
  m: number
  /** data pieces then parity pieces */
  pieces: Chunk[]
  /** piece i's target */
  targets: ErasureTarget[]
  key: Uint8Array
}

/** The chunk addressed by `bytes`' sha-256. */
export function chunkOf (bytes: Uint8Array): Chunk {
  return { cid: CID.createV1(0x55, Digest.create(0x12, createHash('sha256').update(bytes).digest())), bytes }
}

/**
 * An rs k+m stripe of `data` (its data pieces): parity from encodeParity, piece i stored
 * with its target and one stripe lease on the i-th live node closest to stripeKey, as an
 * upload would place it. One signature covers every piece (a stripe lease).
 */
export async function placeStripe (nodes: MemoryNode[], data: Chunk[], m: number, owner = 1): Promise<PlacedStripe> {
  const k = data.length
  const pieces = [...data, ...encodeParity(data.map(c => c.bytes), m).map(chunkOf)]
  const cids = pieces.map(p => p.cid)
  const sizes = pieces.map(p => p.bytes.byteLength)
  const key = stripeKey(cids)
  const closest = sortByDistance(key, nodes.filter(n => n.up).map(n => n.peerId)).slice(0, k + m)
  const targets = pieces.map((_, index): ErasureTarget => ({ scheme: 'erasure', k, m, index, pieces: cids, sizes }))
  for (const [index, piece] of pieces.entries()) {
    const node = nodes.find(n => n.peerId.equals(closest[index])) as MemoryNode
    const lease = await testLease(owner, piece.cid, targets[index])
    await node.store?.put(piece.cid, piece.bytes, { leases: [lease] })
  }
  return { k, m, pieces, targets, key }
}
