// Where the pieces of an erasure-coded file are: chunk i is data piece i mod k of stripe
// i div k; a stripe's pieces are its data chunks then its parity, placed around its key.
import type { FileManifest, Stripe } from '@shoal/manifest'
import { stripeKey } from '@shoal/protocol'
import type { CID } from 'multiformats/cid'
import type { Placement } from './types.js'

export class StripeLayout {
  readonly k: number
  readonly m: number
  private readonly stripes: Stripe[]
  private readonly keys = new Map<number, Uint8Array>()

  /** @throws TypeError when the manifest is not of an erasure-coded file */
  constructor (readonly manifest: FileManifest) {
    const { redundancy, stripes } = manifest
    if (redundancy.scheme !== 'erasure' || stripes === undefined) throw new TypeError('not an erasure-coded file')
    this.k = redundancy.k
    this.m = redundancy.m
    this.stripes = stripes
  }

  get count (): number {
    return this.stripes.length
  }

  stripeOf (chunk: number): number {
    return Math.floor(chunk / this.k)
  }

  /** Data pieces in the stripe: k, or fewer in the last. */
  dataPieces (stripe: number): number {
    return Math.min(this.k, this.manifest.chunks.length - stripe * this.k)
  }

  /** The stripe's piece CIDs: data, then parity. */
  pieces (stripe: number): CID[] {
    const first = stripe * this.k
    return [...this.manifest.chunks.slice(first, first + this.dataPieces(stripe)).map(ref => ref.cid), ...this.stripes[stripe].parity]
  }

  /** Each piece's stored size: a data piece's own, the stripe's longest for parity. */
  sizes (stripe: number): number[] {
    const first = stripe * this.k
    const data = this.manifest.chunks.slice(first, first + this.dataPieces(stripe)).map(ref => ref.stored)
    return [...data, ...new Array<number>(this.m).fill(this.stripes[stripe].size)]
  }

  key (stripe: number): Uint8Array {
    let key = this.keys.get(stripe)
    if (key === undefined) {
      key = stripeKey(this.pieces(stripe))
      this.keys.set(stripe, key)
    }
    return key
  }

  /** Piece `index` of `stripe`: where the uploader placed it. */
  placement (stripe: number, index: number): Placement {
    return { key: this.key(stripe), index, pieces: this.dataPieces(stripe) + this.m }
  }
}
