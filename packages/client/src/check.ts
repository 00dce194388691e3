// `shoal check` for one file: how many live holders each chunk has (replicated) or how
// many live pieces each stripe has (erasure-coded), against the target, asked with HAS of
// the peers where the uploader placed them; the worst one, and whether the file can still
// be read whole.
import type { FileManifest } from '@shoal/manifest'
import type { CID } from 'multiformats/cid'
import { askEachPeer } from './has-round.js'
import { StripeLayout } from './stripe-layout.js'
import type { AbortOptions, HolderSource, Placement } from './types.js'

/** What check needs of a source: holders of a chunk, and HAS. */
export type CheckSource = Pick<HolderSource, 'holders'> & Required<Pick<HolderSource, 'has'>>

export interface UnitHealth {
  /** the chunk's index (replicated) or the stripe's (erasure-coded) */
  index: number
  /** live holders of the chunk, or pieces of the stripe held somewhere */
  live: number
  /** replicas, or the stripe's pieces (k' + m) */
  target: number
  /** at least one holder (a chunk), at least k' pieces (a stripe) */
  recoverable: boolean
  /** a stripe's pieces nobody holds (0..k'-1 data, then parity) */
  missing?: number[]
}

export interface FileHealth {
  scheme: 'replicate' | 'erasure'
  /** per chunk, or per stripe */
  units: UnitHealth[]
  /** the unit furthest below its target (fewest live beyond what recovery needs), undefined for an empty file */
  worst?: UnitHealth
  /** every unit recoverable: a get would succeed now */
  recoverable: boolean
  /** units below their target */
  short: number
  /** holders that could not be asked (counted as holding nothing) */
  unreachable: string[]
}

interface Ask { cid: CID, placement?: Placement }

/**
 * Checks a file's chunks where the uploader placed them. Each holder is asked one HAS
 * for everything it may hold; one that cannot be asked counts as holding nothing.
 */
export async function checkFile (manifest: FileManifest, source: CheckSource, options: AbortOptions = {}): Promise<FileHealth> {
  const redundancy = manifest.redundancy
  const layout = redundancy.scheme === 'erasure' ? new StripeLayout(manifest) : undefined
  // what to ask about, per unit: a chunk, or every piece of a stripe
  const units: Ask[][] = layout === undefined
    ? manifest.chunks.map(ref => [{ cid: ref.cid }])
    : Array.from({ length: layout.count }, (_, s) => layout.pieces(s).map((cid, i) => ({ cid, placement: layout.placement(s, i) })))
  const replicas = redundancy.scheme === 'replicate' ? redundancy.replicas : 1
  const candidates = await Promise.all(units.map(async asks => await Promise.all(asks.map(async ask =>
    (await source.holders(ask.cid, { signal: options.signal, ...(ask.placement !== undefined ? { placement: ask.placement } : {}) }))
      // a replicated chunk: its closest peers; a piece: every peer of its stripe
      .slice(0, ask.placement !== undefined ? ask.placement.pieces : replicas)))))
  const asked = units.flat()
  const { holds, unreachable } = await askEachPeer(candidates.flat().flatMap((peers, i) => peers.map(peer => ({ peer, cid: asked[i].cid }))), async (peer, cids, o) => await source.has(peer, cids, o), options)

  const health = units.map((asks, index): UnitHealth => {
    if (layout === undefined) {
      const live = new Set(candidates[index][0].filter(peer => holds(peer, asks[0].cid))).size
      return { index, live, target: replicas, recoverable: live > 0 }
    }
    const missing = stripeMissing(asks, candidates[index], holds)
    const target = asks.length
    const needed = layout.dataPieces(index)
    return { index, live: target - missing.length, target, recoverable: target - missing.length >= needed, missing }
  })
  const spare = (unit: UnitHealth): number => unit.live - (layout === undefined ? 1 : layout.dataPieces(unit.index))
  const worst = health.reduce<UnitHealth | undefined>((w, unit) => w === undefined || spare(unit) < spare(w) ? unit : w, undefined)
  return {
    scheme: redundancy.scheme,
    units: health,
    ...(worst !== undefined ? { worst } : {}),
    recoverable: health.every(unit => unit.recoverable),
    short: health.filter(unit => unit.live < unit.target).length,
    unreachable
  }
}

/**
 * The pieces of a stripe nobody holds. Identical chunks make one CID several pieces: a
 * CID held by h distinct peers covers at most h of its pieces.
 */
function stripeMissing (asks: Ask[], candidates: string[][], holds: (peer: string, cid: CID) => boolean): number[] {
  const byCid = new Map<string, { pieces: number[], peers: Set<string> }>()
  asks.forEach((ask, i) => {
    const entry = byCid.get(ask.cid.toString()) ?? { pieces: [], peers: new Set<string>() }
    entry.pieces.push(i)
    for (const peer of candidates[i]) if (holds(peer, ask.cid)) entry.peers.add(peer)
    byCid.set(ask.cid.toString(), entry)
  })
  return [...byCid.values()].flatMap(({ pieces, peers }) => pieces.slice(peers.size)).sort((a, b) => a - b)
}
