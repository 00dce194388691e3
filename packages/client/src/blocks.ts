// Every block a capability keeps alive on the network (a file's or a whole tree's): its
// manifest blocks (an indirect manifest's content chunks too), data chunks and parity
// pieces, each with the target it was put for and where its holders are. What `shoal
// check`, `renew` and `rm` walk.
import { IntegrityError } from '@shoal/crypto'
import {
  decodeManifest, MAX_INDIRECT_DEPTH, openManifest,
  type Capability, type ChunkRef, type DirectoryManifest, type FileManifest, type Manifest
} from '@shoal/manifest'
import type { ErasureTarget, RedundancyTarget, ReplicateTarget } from '@shoal/protocol'
import type { CID } from 'multiformats/cid'
import { readContent } from './fetch.js'
import { StripeLayout } from './stripe-layout.js'
import { fetchSealed } from './swarm.js'
import type { AbortOptions, ChunkSource, Placement } from './types.js'

/** What a directory's manifest blocks are kept for when none of its files says (an empty tree). */
const DEFAULT_REPLICAS = 3

export interface Block {
  cid: CID
  role: 'manifest' | 'data' | 'parity'
  /** what the block was put for (a lease is signed over it) */
  target: RedundancyTarget
  /** a piece of a stripe: its holders are around the stripe's key, not its own */
  placement?: Placement
  /** the file or directory it belongs to: '/'-separated path from the root ('' the root) */
  path: string
}

/** One thing whose health is judged as a whole: a replicated block, or a stripe of pieces. */
export type Unit =
  | { kind: 'chunk', path: string, block: Block, index: number }
  | { kind: 'stripe', path: string, index: number, blocks: Block[], dataPieces: number }

export interface Walk {
  /** in the order met: a manifest's blocks before what it lists */
  units: Unit[]
  files: number
  directories: number
}

/**
 * Reads every manifest under `capability` and lists what keeps it alive.
 * @throws ChunkNotFoundError, StripeLostError, IntegrityError when a manifest cannot be read
 */
export async function walkBlocks (capability: Capability, source: ChunkSource, options: AbortOptions = {}): Promise<Walk> {
  const walk: Walk = { units: [], files: 0, directories: 0 }
  await visit(capability, '', source, walk, options)
  return walk
}

/** Visits one manifest and what it lists; resolves the target its manifest blocks were put for. */
async function visit (capability: Capability, path: string, source: ChunkSource, walk: Walk, options: AbortOptions): Promise<ReplicateTarget | undefined> {
  const { manifest, blocks } = await loadWithBlocks(capability, source, options)
  const at = walk.units.length // the manifest's own units go first, once their target is known
  let target: ReplicateTarget | undefined
  if (manifest.type === 'file') {
    walk.files++
    target = manifestTarget(manifest)
    walk.units.push(...fileUnits(manifest, path))
  } else if (manifest.type === 'directory') {
    walk.directories++
    target = await visitEntries(manifest, path, source, walk, options)
  }
  const kept = target ?? { scheme: 'replicate', replicas: DEFAULT_REPLICAS }
  const own: Unit[] = blocks.map((cid, index) => ({ kind: 'chunk', path, index, block: { cid, role: 'manifest', target: kept, path } }))
  walk.units.splice(at, 0, ...own)
  return target
}

/**
 * A directory's manifest records no redundancy: it was put for what its files' manifests
 * were (the put of a tree keeps them alike), the first one found beneath it.
 */
async function visitEntries (manifest: DirectoryManifest, path: string, source: ChunkSource, walk: Walk, options: AbortOptions): Promise<ReplicateTarget | undefined> {
  let target: ReplicateTarget | undefined
  for (const entry of manifest.entries) {
    if (entry.type === 'symlink') continue
    const found = await visit(entry.capability, path === '' ? entry.name : `${path}/${entry.name}`, source, walk, options)
    target ??= found
  }
  return target
}

/** The manifest and the CIDs of every block it took: the sealed manifest, then an indirect one's content chunks. */
async function loadWithBlocks (capability: Capability, source: ChunkSource, options: AbortOptions): Promise<{ manifest: Manifest, blocks: CID[] }> {
  const blocks = [capability.cid]
  let manifest = openManifest(await fetchSealed(capability.cid, source, options), capability.key)
  for (let depth = 0; manifest.type === 'indirect'; depth++) {
    if (depth >= MAX_INDIRECT_DEPTH) throw new IntegrityError(`manifest ${capability.cid.toString()}: more than ${MAX_INDIRECT_DEPTH} levels of indirection`)
    blocks.push(...manifest.chunks.map((ref: ChunkRef) => ref.cid))
    const parts: Uint8Array[] = []
    for await (const part of readContent(manifest.chunks, source, options)) parts.push(part)
    manifest = decodeManifest(Buffer.concat(parts))
  }
  return { manifest, blocks }
}

/** What a file's manifest blocks were put for: its replicas, or max(3, m + 1) for stripes (put.ts). */
export function manifestTarget (manifest: FileManifest): ReplicateTarget {
  const redundancy = manifest.redundancy
  if (redundancy.scheme === 'erasure') return { scheme: 'replicate', replicas: Math.max(3, redundancy.m + 1) }
  return { scheme: 'replicate', replicas: redundancy.replicas }
}

function fileUnits (manifest: FileManifest, path: string): Unit[] {
  const redundancy = manifest.redundancy
  if (redundancy.scheme === 'replicate') {
    const target: ReplicateTarget = { scheme: 'replicate', replicas: redundancy.replicas }
    return manifest.chunks.map((ref, index) => ({ kind: 'chunk', path, index, block: { cid: ref.cid, role: 'data', target, path } }))
  }
  const layout = new StripeLayout(manifest)
  return Array.from({ length: layout.count }, (_, stripe): Unit => {
    const pieces = layout.pieces(stripe)
    const sizes = layout.sizes(stripe)
    const dataPieces = layout.dataPieces(stripe)
    const blocks = pieces.map((cid, index): Block => {
      const target: ErasureTarget = { scheme: 'erasure', k: dataPieces, m: layout.m, index, pieces, sizes }
      return { cid, role: index < dataPieces ? 'data' : 'parity', target, placement: layout.placement(stripe, index), path }
    })
    return { kind: 'stripe', path, index: stripe, blocks, dataPieces }
  })
}

/** Every block of the walk, each once per unit it is in. */
export function blocksOf (walk: Walk): Block[] {
  return walk.units.flatMap(unit => unit.kind === 'chunk' ? [unit.block] : unit.blocks)
}
