// `shoal check [--repair]`, `renew` and `rm` for a whole capability, from the client's
// side: one HAS round finds who holds each block of the walk (blocks.ts) among the peers
// it was placed on; then what is short is put again (repair), or every holder is sent a
// fresh lease (renew) or a signed drop (rm); an rm leaves the blocks the owner's other kept
// files use (blocksUsedBy).
import { sha256 } from '@shoal/crypto'
import { rebuildPieces } from '@shoal/erasure'
import type { Capability } from '@shoal/manifest'
import type { Lease, RedundancyTarget } from '@shoal/protocol'
import type { CID } from 'multiformats/cid'
import pLimit from 'p-limit'
import { blocksOf, walkBlocks, type Block, type Unit, type Walk } from './blocks.js'
import { askEachPeer } from './has-round.js'
import { equalBytes } from './seal.js'
import type { AbortOptions, ChunkSource, HolderSource } from './types.js'

/** Lookups, requests to one peer, and units repaired at once. */
const AT_ONCE = 8

/** An owner's signed wish to give up its lease (a DROP's fields). */
export interface SignedDrop { owner: Uint8Array, at: number, signature: Uint8Array }

/** Signs with the owner key the blocks were put with (a node's LeaseSigner). */
export interface BlockSigner {
  lease: (cid: CID, target: RedundancyTarget, expires: number) => Lease
  drop: (cid: CID, at: number) => SignedDrop
}

/** What upkeep needs of the network: holders and HAS, fetches, and the requests that change a holder. */
export interface BlockPeers extends HolderSource {
  has: NonNullable<HolderSource['has']>
  /** true when stored now, false when held already. Throws when refused or unreachable. */
  putTo: (holder: string, cid: CID, bytes: Uint8Array, target: RedundancyTarget, leases: Lease[], options?: AbortOptions) => Promise<boolean>
  /** false when the holder does not hold the chunk */
  renew: (holder: string, cid: CID, lease: Lease, target: RedundancyTarget, options?: AbortOptions) => Promise<boolean>
  /** false when the holder does not hold the chunk */
  drop: (holder: string, cid: CID, drop: SignedDrop, options?: AbortOptions) => Promise<boolean>
}

export interface UnitHealth {
  kind: 'chunk' | 'stripe'
  /** the file or directory, '/'-separated from the root ('' the root itself) */
  path: string
  /** a chunk's index among its manifest's blocks or its file's chunks; a stripe's index in its file */
  index: number
  /** a chunk's role (a stripe holds data and parity) */
  role?: 'manifest' | 'data'
  /** a chunk's CID */
  cid?: string
  /** live holders of the chunk, or pieces of the stripe held somewhere */
  live: number
  /** replicas, or the stripe's pieces (k' + m) */
  target: number
  /** what recovery needs: 1 holder (a chunk), k' pieces (a stripe) */
  needed: number
  /** at least `needed` live */
  recoverable: boolean
  /** a stripe's pieces nobody holds (0..k'-1 data, then parity) */
  missing?: number[]
  /** copies or pieces put back by --repair */
  repaired?: number
  /** why a repair left it short */
  repairError?: string
}

export interface TreeHealth {
  units: UnitHealth[]
  /** the unit with the least to spare beyond what recovery needs (after repair) */
  worst?: UnitHealth
  /** every unit recoverable (after repair) */
  recoverable: boolean
  /** units below their target (after repair) */
  short: number
  /** the units that cannot be recovered */
  lost: UnitHealth[]
  /** holders that could not be asked (counted as holding nothing) */
  unreachable: string[]
  files: number
  directories: number
  /** blocks walked: manifest blocks, data chunks, parity pieces */
  blocks: number
}

/** Who holds what, from one HAS round. */
interface Found {
  /** per unit: its candidates, closest first (a stripe's: the stripe's) */
  candidates: string[][]
  holds: (peer: string, cid: CID) => boolean
  unreachable: Set<string>
}

export interface CheckOptions extends AbortOptions {
  /** put back what is short, with fresh leases this signer signs for `leaseMs` from `now` */
  repair?: { signer: BlockSigner, leaseMs: number, now?: () => number }
}

/** How each unit of the walk stands, and with `repair`, after putting back what is short. */
export async function checkWalk (walk: Walk, peers: BlockPeers, options: CheckOptions = {}): Promise<TreeHealth> {
  const found = await findHolders(walk.units, peers, options)
  const limit = pLimit(AT_ONCE)
  const units = await Promise.all(walk.units.map(async (unit, u) => await limit(async () => {
    const health = unitHealth(unit, found.candidates[u], found.holds)
    if (options.repair !== undefined && health.live < health.target && health.recoverable) {
      try {
        health.repaired = unit.kind === 'chunk'
          ? await repairChunk(unit.block, found.candidates[u], found, peers, options.repair, options)
          : await repairStripe(unit, health.missing ?? [], found.candidates[u], found, peers, options.repair, options)
      } catch (err) {
        options.signal?.throwIfAborted()
        health.repairError = (err as Error).message
      }
      health.live += health.repaired ?? 0
      if (unit.kind === 'stripe') health.missing = health.missing?.slice(health.repaired ?? 0)
    }
    return health
  })))
  const spare = (unit: UnitHealth): number => unit.live - unit.needed
  const worst = units.reduce<UnitHealth | undefined>((w, unit) => w === undefined || spare(unit) < spare(w) ? unit : w, undefined)
  const lost = units.filter(unit => !unit.recoverable)
  return {
    units,
    ...(worst !== undefined ? { worst } : {}),
    recoverable: lost.length === 0,
    short: units.filter(unit => unit.live < unit.target).length,
    lost,
    unreachable: [...found.unreachable].sort(),
    files: walk.files,
    directories: walk.directories,
    blocks: blocksOf(walk).length
  }
}

export interface LeaseReport {
  /** blocks at least one holder took the request for */
  done: number
  /** blocks no holder was found for */
  notFound: number
  /** blocks whose every holder refused or failed */
  failed: number
  /** requests holders took (a block counts once per holder) */
  requests: number
  /** the first few failures, as holders said them */
  errors: string[]
  /** an rm's blocks left leased because another kept file uses them (dropWalk's `keep`) */
  kept?: number
}

/** Another kept file's blocks could not be walked, so an rm cannot tell which it shares: it drops nothing. */
export class KeptFileUnreadableError extends Error {
  static readonly code = 'ERR_KEPT_FILE_UNREADABLE'
  readonly code = KeptFileUnreadableError.code
  override name = 'KeptFileUnreadableError'
  constructor (readonly files: number, reason: string) {
    super(`${files} other kept file${files === 1 ? '' : 's'} could not be read to see which blocks ${files === 1 ? 'it shares' : 'they share'} (${reason}); nothing was dropped, try again`)
  }
}

/**
 * The CIDs of every block the capabilities keep alive: what an rm of another file of the
 * same owner must leave leased (its lease on a block is one, whichever file it was put for).
 * @throws KeptFileUnreadableError when a capability cannot be walked
 */
export async function blocksUsedBy (capabilities: Capability[], source: ChunkSource, options: AbortOptions = {}): Promise<Set<string>> {
  const used = new Set<string>()
  const limit = pLimit(AT_ONCE)
  const failures: Error[] = []
  await Promise.all(capabilities.map(async capability => await limit(async () => {
    try {
      for (const block of blocksOf(await walkBlocks(capability, source, options))) used.add(block.cid.toString())
    } catch (err) {
      options.signal?.throwIfAborted()
      failures.push(err as Error)
    }
  })))
  if (failures.length > 0) throw new KeptFileUnreadableError(failures.length, failures[0].message)
  return used
}

/** Sends every holder of every block a fresh lease, signed for `leaseMs` from `now`. */
export async function renewWalk (walk: Walk, peers: BlockPeers, options: AbortOptions & { signer: BlockSigner, leaseMs: number, now?: () => number }): Promise<LeaseReport> {
  const expires = (options.now ?? Date.now)() + options.leaseMs
  return await eachHolder(walk, peers, options, async (holder, block) =>
    await peers.renew(holder, block.cid, options.signer.lease(block.cid, block.target, expires), block.target, options))
}

/**
 * Sends every holder of every block a signed drop of this owner's lease: a block no other
 * lease keeps goes. Blocks whose CID is in `keep` (blocksUsedBy the owner's other kept
 * files) are not dropped, and counted in `kept`.
 */
export async function dropWalk (walk: Walk, peers: BlockPeers, options: AbortOptions & { signer: BlockSigner, now?: () => number, keep?: ReadonlySet<string> }): Promise<LeaseReport> {
  const at = (options.now ?? Date.now)()
  const keep = options.keep
  const report = await eachHolder(walk, peers, options, async (holder, block) =>
    await peers.drop(holder, block.cid, options.signer.drop(block.cid, at), options), keep)
  return keep === undefined ? report : { ...report, kept: report.kept ?? 0 }
}

async function eachHolder (walk: Walk, peers: BlockPeers, options: AbortOptions, send: (holder: string, block: Block) => Promise<boolean>, keep?: ReadonlySet<string>): Promise<LeaseReport> {
  const found = await findHolders(walk.units, peers, options)
  const report: LeaseReport = { done: 0, notFound: 0, failed: 0, requests: 0, errors: [] }
  const seen = new Set<string>()
  const limit = pLimit(AT_ONCE)
  const jobs: Array<Promise<void>> = []
  walk.units.forEach((unit, u) => {
    const blocks = unit.kind === 'chunk' ? [unit.block] : unit.blocks
    for (const block of blocks) {
      // a CID met twice (identical chunks, a file in two places) is sent once
      if (seen.has(block.cid.toString())) continue
      seen.add(block.cid.toString())
      if (keep?.has(block.cid.toString()) === true) {
        report.kept = (report.kept ?? 0) + 1
        continue
      }
      const holders = found.candidates[u].filter(peer => found.holds(peer, block.cid))
      if (holders.length === 0) {
        report.notFound++
        continue
      }
      jobs.push(limit(async () => {
        let took = 0
        for (const holder of holders) {
          try {
            if (await send(holder, block)) took++
          } catch (err) {
            options.signal?.throwIfAborted()
            if (report.errors.length < 5) report.errors.push(`${holder}: ${(err as Error).message}`)
          }
        }
        report.requests += took
        if (took > 0) report.done++
        else report.failed++
      }))
    }
  })
  await Promise.all(jobs)
  return report
}

/** Each unit's candidates (one lookup per chunk, one per stripe) and one HAS per peer for everything it may hold. */
async function findHolders (units: Unit[], peers: BlockPeers, options: AbortOptions): Promise<Found> {
  const limit = pLimit(AT_ONCE)
  const candidates = await Promise.all(units.map(async unit => await limit(async () => {
    if (unit.kind === 'chunk') return await peers.holders(unit.block.cid, options)
    // piece 0's order is the stripe's own, closest to its key first
    const first = unit.blocks[0]
    return await peers.holders(first.cid, { ...options, ...(first.placement !== undefined ? { placement: { ...first.placement, index: 0 } } : {}) })
  })))
  const questions = units.flatMap((unit, u) => {
    const cids = unit.kind === 'chunk' ? [unit.block.cid] : unit.blocks.map(block => block.cid)
    return candidates[u].flatMap(peer => cids.map(cid => ({ peer, cid })))
  })
  const { holds, unreachable } = await askEachPeer(questions, async (peer, cids, o) => await peers.has(peer, cids, o), options, limit)
  return { candidates, holds, unreachable: new Set(unreachable) }
}

function unitHealth (unit: Unit, candidates: string[], holds: (peer: string, cid: CID) => boolean): UnitHealth {
  if (unit.kind === 'chunk') {
    const target = unit.block.target.scheme === 'replicate' ? unit.block.target.replicas : 1
    const live = candidates.filter(peer => holds(peer, unit.block.cid)).length
    return { kind: 'chunk', path: unit.path, index: unit.index, role: unit.block.role === 'manifest' ? 'manifest' : 'data', cid: unit.block.cid.toString(), live, target, needed: 1, recoverable: live > 0 }
  }
  const missing = stripeMissing(unit.blocks, candidates, holds)
  const target = unit.blocks.length
  return { kind: 'stripe', path: unit.path, index: unit.index, live: target - missing.length, target, needed: unit.dataPieces, recoverable: target - missing.length >= unit.dataPieces, missing }
}

/**
 * The pieces of a stripe nobody holds. Identical chunks make one CID several pieces: a
 * CID held by h distinct peers covers at most h of its pieces.
 */
function stripeMissing (blocks: Block[], candidates: string[], holds: (peer: string, cid: CID) => boolean): number[] {
  const byCid = new Map<string, { pieces: number[], peers: number }>()
  blocks.forEach((block, i) => {
    const entry = byCid.get(block.cid.toString()) ?? { pieces: [], peers: candidates.filter(peer => holds(peer, block.cid)).length }
    entry.pieces.push(i)
    byCid.set(block.cid.toString(), entry)
  })
  return [...byCid.values()].flatMap(({ pieces, peers }) => pieces.slice(peers)).sort((a, b) => a - b)
}

type Repair = NonNullable<CheckOptions['repair']>

/** The bytes of `cid` from the first holder that sends them whole; null when none does. */
async function fetchVerified (cid: CID, holders: string[], peers: BlockPeers, options: AbortOptions): Promise<Uint8Array | null> {
  for (const holder of holders) {
    try {
      const bytes = await peers.fetchFrom(holder, cid, options)
      if (bytes !== null && equalBytes(sha256(bytes), cid.multihash.digest)) return bytes
    } catch {
      options.signal?.throwIfAborted()
    }
  }
  return null
}

/** Puts a short chunk on the closest reachable candidates lacking it, until it has its target. */
async function repairChunk (block: Block, candidates: string[], found: Found, peers: BlockPeers, repair: Repair, options: AbortOptions): Promise<number> {
  const target = block.target.scheme === 'replicate' ? block.target.replicas : 1
  const holders = candidates.filter(peer => found.holds(peer, block.cid))
  const bytes = await fetchVerified(block.cid, holders, peers, options)
  if (bytes === null) throw new Error(`no holder of ${block.cid.toString()} sent it whole`)
  const lease = repair.signer.lease(block.cid, block.target, (repair.now ?? Date.now)() + repair.leaseMs)
  let live = holders.length
  let added = 0
  for (const peer of candidates) {
    if (live >= target) break
    if (found.holds(peer, block.cid) || found.unreachable.has(peer)) continue
    try {
      await peers.putTo(peer, block.cid, bytes, block.target, [lease], options)
      live++
      added++
    } catch {
      options.signal?.throwIfAborted() // refused or gone: the next closest is asked
    }
  }
  return added
}

/**
 * Rebuilds a stripe's missing pieces from any k' it has and puts each on the closest
 * reachable peer of the stripe holding no piece of it.
 */
async function repairStripe (unit: Extract<Unit, { kind: 'stripe' }>, missing: number[], candidates: string[], found: Found, peers: BlockPeers, repair: Repair, options: AbortOptions): Promise<number> {
  if (missing.length === 0) return 0
  const pieces: Array<Uint8Array | null> = unit.blocks.map(() => null)
  let present = 0
  for (let i = 0; i < unit.blocks.length && present < unit.dataPieces; i++) {
    if (missing.includes(i)) continue
    const cid = unit.blocks[i].cid
    pieces[i] = await fetchVerified(cid, candidates.filter(peer => found.holds(peer, cid)), peers, options)
    if (pieces[i] !== null) present++
  }
  if (present < unit.dataPieces) throw new Error(`stripe ${unit.index}: only ${present} of the ${unit.dataPieces} pieces needed could be fetched`)
  const first = unit.blocks[0].target
  if (first.scheme !== 'erasure') throw new TypeError('a stripe piece without an erasure target')
  const rebuilt = rebuildPieces(pieces, first.sizes, unit.dataPieces, missing)
  const taken = new Set(candidates.filter(peer => unit.blocks.some(block => found.holds(peer, block.cid))))
  const expires = (repair.now ?? Date.now)() + repair.leaseMs
  let added = 0
  for (const [n, index] of missing.entries()) {
    const block = unit.blocks[index]
    const lease = repair.signer.lease(block.cid, block.target, expires)
    for (const peer of candidates) {
      if (taken.has(peer) || found.unreachable.has(peer)) continue
      taken.add(peer) // asked once per stripe, whether it takes the piece or not
      try {
        await peers.putTo(peer, block.cid, rebuilt[n], block.target, [lease], options)
        added++
        break
      } catch {
        options.signal?.throwIfAborted()
      }
    }
  }
  return added
}
