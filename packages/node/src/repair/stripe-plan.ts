// Who should hold the pieces of an erasure-coded stripe and what this vault does about it.
// The rule is "every piece on a distinct live peer among the stripe's k + m closest", not
// a rank per piece, so losing one peer moves one piece. The actor is the closest live
// holder of any piece of the stripe; it alone rebuilds what is missing.

export interface StripeView {
  self: string
  /** peer IDs closest to the stripe's key first (self among them or not) */
  candidates: readonly string[]
  /** for each peer that answered (self included), the indexes of the stripe's pieces it holds; a peer missing here did not answer */
  holds: ReadonlyMap<string, ReadonlySet<number>>
  isBad: (peer: string) => boolean
  k: number
  m: number
  /** this vault is leaving: not a target; it places what is missing whoever the actor */
  leaving?: boolean
}

export interface StripePlan {
  /** the k + m closest live peers that are not bad, closest first */
  targets: string[]
  /** which target holds which piece (one piece per peer) */
  placed: Map<number, string>
  /** piece indexes no target holds */
  missing: number[]
  /** targets that hold no piece of the stripe: where missing pieces go, in order */
  spots: string[]
  /** for each piece index, the live holders that are not bad (targets or not) */
  sources: Map<number, string[]>
  actor: string | undefined
  isActor: boolean
  /** this vault places the missing pieces now */
  acts: boolean
  /** this vault may free its copies: it is no target and each piece it holds is placed on a target */
  free: boolean
}

export function planStripe (view: StripeView): StripePlan {
  const { self, holds, isBad } = view
  const leaving = view.leaving === true
  const total = view.k + view.m
  const order = view.candidates.includes(self) ? view.candidates : [...view.candidates, self]
  const live = (peer: string): boolean => peer === self ? !leaving : holds.has(peer)
  const piecesOf = (peer: string): ReadonlySet<number> => holds.get(peer) ?? new Set()
  const eligible = order.filter(peer => live(peer) && !isBad(peer))
  const targets = eligible.slice(0, total)

  const placed = new Map<number, string>()
  const spots: string[] = []
  for (const peer of targets) {
    const piece = [...piecesOf(peer)].sort((a, b) => a - b).find(index => !placed.has(index))
    if (piece !== undefined) placed.set(piece, peer)
    else if (piecesOf(peer).size === 0) spots.push(peer)
  }
  const missing = Array.from({ length: total }, (_, index) => index).filter(index => !placed.has(index))

  const sources = new Map<number, string[]>()
  for (const peer of eligible) for (const index of piecesOf(peer)) sources.set(index, [...(sources.get(index) ?? []), peer])
  // the holders of self's pieces when leaving: self can still read its own
  if (leaving) for (const index of piecesOf(self)) sources.set(index, [...(sources.get(index) ?? []), self])

  const actor = eligible.find(peer => piecesOf(peer).size > 0)
  const mine = [...piecesOf(self)]
  return {
    targets,
    placed,
    missing,
    spots,
    sources,
    actor,
    isActor: actor === self,
    acts: missing.length > 0 && spots.length > 0 && (actor === self || (leaving && mine.some(index => missing.includes(index)))),
    free: !leaving && !targets.includes(self) && mine.length > 0 && mine.every(index => placed.has(index))
  }
}
