// Where the pieces of an erasure-coded stripe go (docs/durability.md, "Placement of a
// stripe"): piece i to the i-th of the k + m peers closest to stripeKey(pieces), one piece
// per distinct peer; a refused piece moves to the next closest peer that holds no piece of
// the stripe, so one refusal moves one piece, not every piece after it.
import type { PeerId } from '@libp2p/interface'
import debug from 'debug'
import { MAX_STRIPE_PIECES, stripeKey, type ErasureTarget } from '@shoal/protocol'
import type { CID } from 'multiformats/cid'
import { InsufficientHoldersError } from './errors.js'

const log = debug('shoal:placement')

export interface StripePiece { cid: CID, bytes: Uint8Array }

export interface StripePlacement {
  k: number
  m: number
  signal: AbortSignal
  /** up to `count` peers closest to `key`, closest first */
  lookup: (key: Uint8Array, count: number) => Promise<PeerId[]>
  /** stores one piece on one peer for its target; throws if the peer refuses */
  put: (peer: PeerId, piece: StripePiece, target: ErasureTarget) => Promise<boolean>
}

/**
 * The holder of each piece, in piece order, and whether it stored the piece now (false: it
 * held it already). @throws InsufficientHoldersError when a piece found no peer
 */
export async function placeStripe (pieces: StripePiece[], init: StripePlacement): Promise<{ holders: PeerId[], stored: boolean[] }> {
  const { k, m, signal } = init
  const width = k + m
  if (!Number.isInteger(k) || !Number.isInteger(m) || k < 1 || m < 1 || width > MAX_STRIPE_PIECES) {
    throw new RangeError(`a stripe has k, m ≥ 1 and k + m ≤ ${MAX_STRIPE_PIECES}, got ${k} + ${m}`)
  }
  if (pieces.length !== width) throw new RangeError(`a ${k} + ${m} stripe has ${width} pieces, got ${pieces.length}`)
  const cids = pieces.map(piece => piece.cid)
  const sizes = pieces.map(piece => piece.bytes.byteLength)
  // spares beyond k + m: as many again, so a few refusals still leave room
  const candidates = await init.lookup(stripeKey(cids), 2 * width + 2)
  signal.throwIfAborted()
  const taken = new Set<string>()
  const holders: Array<PeerId | undefined> = new Array(width)
  const stored: boolean[] = new Array(width).fill(false)
  const causes: unknown[] = []
  let spare = width

  const nextSpare = (): PeerId | undefined => {
    while (spare < candidates.length) {
      const peer = candidates[spare++]
      if (!taken.has(peer.toString())) return peer
    }
    return undefined
  }

  const placePiece = async (index: number): Promise<void> => {
    const target: ErasureTarget = { scheme: 'erasure', k, m, index, pieces: cids, sizes }
    let peer: PeerId | undefined = candidates[index]
    if (peer !== undefined) taken.add(peer.toString())
    while (peer !== undefined) {
      try {
        stored[index] = await init.put(peer, pieces[index], target)
        holders[index] = peer
        return
      } catch (err) {
        if (signal.aborted) throw signal.reason
        log('%p refused piece %d of a stripe (%s): %s', peer, index, cids[index], (err as Error).message)
        causes.push(err)
      }
      // a peer that refused stays taken: it is not asked for another piece of this stripe
      peer = nextSpare()
      if (peer !== undefined) taken.add(peer.toString())
    }
  }

  const results = await Promise.allSettled(pieces.map(async (_, index) => { await placePiece(index) }))
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed !== undefined) throw failed.reason
  const missing = holders.findIndex(holder => holder === undefined)
  if (missing >= 0) {
    const placed = holders.filter(holder => holder !== undefined).length
    throw new InsufficientHoldersError(cids[missing].toString(), placed, width, causes)
  }
  return { holders: holders as PeerId[], stored }
}
