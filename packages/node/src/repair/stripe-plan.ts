// Who should hold the pieces of an erasure-coded stripe and what this vault does about it.
// The rule is "every piece on a distinct live peer among the stripe's k + m closest", not
// a rank per piece, so losing one peer moves one piece. A missing piece that some live
// peer still holds (a holder pushed out of the set, or one holding two pieces) is handed
// on by its closest such holder; a piece nobody holds is rebuilt by the actor, the closest
// live holder of any piece. Missing pieces go to the free targets in a fixed order, so
// every vault that sees the same view sends each piece to the same peer.

export interface StripeView {
  self: string
  /** peer IDs closest to the stripe's key first (self among them or not) */
  candidates: readonly string[]
  /** for each peer that answered (self included), the indexes of the stripe's pieces it holds; a peer missing here did not answer */
  holds: ReadonlyMap<string, ReadonlySet<number>>
  isBad: (peer: string) => boolean
  k: number
  m: number
  /** this vault is leaving: not a target; it hands on the pieces it holds whoever the actor */
  leaving?: boolean
}

/** One missing piece and the free target it goes to. */
export interface PieceMove { index: number, to: string }

export interface StripePlan {
  /** the k + m closest live peers that are not bad, closest first */
  targets: string[]
  /** which target holds which piece (one piece per peer) */
  placed: Map<number, string>
  /** piece indexes no target holds */
  missing: number[]
  /** targets that hold no placed piece of the stripe: where missing pieces go, in order */
  spots: string[]
  /** for each piece index, the live holders that are not bad (targets or not), closest first */
  sources: Map<number, string[]>
  actor: string | undefined
  isActor: boolean
  /** at least k distinct pieces have a live holder: what is missing can be rebuilt */
  recoverable: boolean
  /** missing pieces this vault puts from its own copy */
  handOn: PieceMove[]
  /** missing pieces nobody holds, which this vault (the actor) rebuilds from k others */
  rebuild: PieceMove[]
  /** this vault places pieces now */
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
    else spots.push(peer) // holds nothing, or only pieces a closer target holds too
  }
  const missing = Array.from({ length: total }, (_, index) => index).filter(index => !placed.has(index))

  const sources = new Map<number, string[]>()
  for (const peer of eligible) for (const index of piecesOf(peer)) sources.set(index, [...(sources.get(index) ?? []), peer])
  // a vault leaving can still read its own pieces
  if (leaving) for (const index of piecesOf(self)) sources.set(index, [...(sources.get(index) ?? []), self])

  const actor = eligible.find(peer => piecesOf(peer).size > 0)
  const mine = [...piecesOf(self)]
  const recoverable = sources.size >= view.k
  const handOn: PieceMove[] = []
  const rebuild: PieceMove[] = []
  missing.slice(0, spots.length).forEach((index, n) => {
    const move = { index, to: spots[n] }
    const holder = leaving && mine.includes(index) ? self : sources.get(index)?.[0]
    if (holder === self) handOn.push(move)
    else if (holder === undefined && actor === self && recoverable) rebuild.push(move)
  })
  return {
    targets,
    placed,
    missing,
    spots,
    sources,
    actor,
    isActor: actor === self,
    recoverable,
    handOn,
    rebuild,
    acts: handOn.length + rebuild.length > 0,
    free: !leaving && !targets.includes(self) && mine.length > 0 && mine.every(index => placed.has(index))
  }
}
