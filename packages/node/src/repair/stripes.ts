// A stripe as the repair loop sees it: the pieces' CIDs, sizes and shape from an erasure
// target, and the current leases that keep it. One lease signature covers every piece of a
// stripe (it is signed without the piece's index), so the leases of any piece this vault
// holds let it place any other piece, under that piece's own index.
import type { PeerId } from '@libp2p/interface'
import { stripeKey, type ErasureTarget, type Lease } from '@shoal/protocol'
import type { CID } from 'multiformats/cid'
import type { HasAnswers, HasQuestion } from './has-round.js'
import type { LeaseGroup } from './lease-groups.js'

export interface Stripe {
  /** equal for the targets of any two pieces of one stripe */
  id: string
  k: number
  m: number
  pieces: CID[]
  sizes: number[]
  /** where the stripe lives in the keyspace */
  key: Uint8Array
  /** current leases for the stripe (any piece), each once */
  leases: Lease[]
}

/** The stripe of an erasure lease group (its leases merged into `into` when that stripe is already known). */
export function addStripeGroup (into: Map<string, Stripe>, group: LeaseGroup & { target: ErasureTarget }): Stripe {
  const { target } = group
  const id = stripeId(target)
  let stripe = into.get(id)
  if (stripe === undefined) {
    stripe = { id, k: target.k, m: target.m, pieces: target.pieces, sizes: target.sizes, key: stripeKey(target.pieces), leases: [] }
    into.set(id, stripe)
  }
  for (const lease of group.leases) {
    if (!stripe.leases.some(l => l.expires === lease.expires && equalBytes(l.owner, lease.owner) && equalBytes(l.signature, lease.signature))) stripe.leases.push(lease)
  }
  return stripe
}

export function stripeId (target: ErasureTarget): string {
  return `e${target.k}+${target.m}:${target.pieces.map(String).join(',')}:${target.sizes.join(',')}`
}

/** The target a PUT of piece `index` carries. */
export function pieceTarget (stripe: Stripe, index: number): ErasureTarget {
  return { scheme: 'erasure', k: stripe.k, m: stripe.m, index, pieces: stripe.pieces, sizes: stripe.sizes }
}

/** The stripe's distinct piece CIDs (identical chunks are one piece CID at several indexes). */
export function distinctPieces (stripe: Pick<Stripe, 'pieces'>): CID[] {
  const seen = new Map<string, CID>()
  for (const cid of stripe.pieces) seen.set(cid.toString(), cid)
  return [...seen.values()]
}

/** The indexes whose piece is `cid`. */
export function indexesOf (stripe: Pick<Stripe, 'pieces'>, cid: CID): number[] {
  return stripe.pieces.flatMap((piece, index) => piece.equals(cid) ? [index] : [])
}

/** A HAS question per distinct piece, for every candidate but self. */
export function stripeQuestions (stripe: Stripe, candidates: readonly PeerId[], self: PeerId): HasQuestion[] {
  const peers = candidates.filter(p => !p.equals(self))
  return distinctPieces(stripe).map(cid => ({ cid, peers }))
}

/**
 * For each candidate that answered for any piece, the indexes it holds; self's from
 * `mine`. A peer that answered for no piece did not answer: it is not live.
 */
export function stripeHolds (stripe: Stripe, candidates: readonly PeerId[], self: PeerId, mine: ReadonlySet<number>, answers: HasAnswers): Map<string, Set<number>> {
  const holds = new Map<string, Set<number>>([[self.toString(), new Set(mine)]])
  for (const peer of candidates) {
    const id = peer.toString()
    if (peer.equals(self)) continue
    let answered = false
    const held = new Set<number>()
    stripe.pieces.forEach((cid, index) => {
      const said = answers.get(cid.toString())?.get(id)
      if (said !== undefined) answered = true
      if (said === true) held.add(index)
    })
    if (answered) holds.set(id, held)
  }
  return holds
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}
