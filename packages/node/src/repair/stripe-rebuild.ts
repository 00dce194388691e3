// Gathering any k pieces of a stripe (this vault's own first, then the others from their
// holders, data pieces first, each verified against its CID by the chunk client) and
// rebuilding the missing ones from them. A rebuilt piece is checked against its CID too
// before it goes anywhere: a stripe whose parity was made wrong is not spread further.
import type { PeerId } from '@libp2p/interface'
import { sha256 } from '@shoal/crypto'
import { rebuildPieces } from '@shoal/erasure'
import type { CID } from 'multiformats/cid'
import type { Stripe } from './stripes.js'

export class StripeRebuildError extends Error {
  readonly code = 'ERR_STRIPE_REBUILD'
  constructor (readonly stripe: string, message: string) {
    super(message)
    this.name = 'StripeRebuildError'
  }
}

export interface Gathering {
  stripe: Stripe
  /** the live holders of each piece, closest first (self among them for the pieces it can read) */
  sources: ReadonlyMap<number, readonly string[]>
  self: string
  peer: (id: string) => PeerId | undefined
  /** this vault's copy, or null when it has none (or it was corrupt) */
  own: (cid: CID) => Promise<Uint8Array | null>
  /** a holder's copy, verified; null or a throw moves on to the next holder */
  fetch: (peer: PeerId, cid: CID, size: number) => Promise<Uint8Array | null>
}

/** The stripe's pieces (null = not gathered), with at least k present unless too few could be had. */
export async function gatherPieces (init: Gathering): Promise<{ pieces: Array<Uint8Array | null>, present: number }> {
  const { stripe, sources, self } = init
  const pieces: Array<Uint8Array | null> = stripe.pieces.map(() => null)
  let present = 0
  const fill = (cid: CID, bytes: Uint8Array): void => {
    stripe.pieces.forEach((piece, index) => {
      if (pieces[index] === null && piece.equals(cid) && bytes.byteLength === stripe.sizes[index]) {
        pieces[index] = bytes
        present++
      }
    })
  }
  for (const [index, holders] of sources) {
    if (present >= stripe.k) break
    if (pieces[index] !== null || !holders.includes(self)) continue
    const bytes = await init.own(stripe.pieces[index])
    if (bytes !== null) fill(stripe.pieces[index], bytes)
  }
  for (let index = 0; index < pieces.length && present < stripe.k; index++) {
    if (pieces[index] !== null) continue
    for (const holder of sources.get(index) ?? []) {
      const peer = holder === self ? undefined : init.peer(holder)
      if (peer === undefined) continue
      const bytes = await init.fetch(peer, stripe.pieces[index], stripe.sizes[index]).catch(() => null)
      if (bytes === null) continue
      fill(stripe.pieces[index], bytes)
      break
    }
  }
  return { pieces, present }
}

/** The pieces at `wanted`, rebuilt from k gathered ones and checked against their CIDs. @throws NotEnoughPiecesError, InvalidStripeError, StripeRebuildError */
export function rebuildWanted (stripe: Stripe, pieces: Array<Uint8Array | null>, wanted: number[]): Map<number, Uint8Array> {
  const rebuilt = rebuildPieces(pieces, stripe.sizes, stripe.k, wanted)
  const out = new Map<number, Uint8Array>()
  wanted.forEach((index, at) => {
    const bytes = rebuilt[at]
    if (!equalBytes(sha256(bytes), stripe.pieces[index].multihash.digest)) {
      throw new StripeRebuildError(stripe.id, `piece ${index} rebuilt from the others does not hash to ${stripe.pieces[index].toString()}: the stripe's parity is not what its pieces say`)
    }
    out.set(index, bytes)
  })
  return out
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}
