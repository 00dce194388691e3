// Who should hold a replicated chunk and what this vault does about it, from what it can
// see: the candidates (closest first) and which of them answered a HAS round and how.
// Every holder runs the same rule on (nearly) the same view, so they agree on one actor
// without a coordinator; when the actor is gone it stops answering and the next holder
// is the actor: the fallback needs no timer.

export interface ReplicaView {
  /** this vault */
  self: string
  /** peer IDs closest to the chunk first (self among them or not) */
  candidates: readonly string[]
  /** what each peer that answered said: holds the chunk or not; a peer missing here did not answer */
  holds: ReadonlyMap<string, boolean>
  /** peers this vault judged bad: never targets, never trusted as holders */
  isBad: (peer: string) => boolean
  replicas: number
  /** this vault is leaving: it is not a target and hands on what is short, whoever the actor */
  leaving?: boolean
}

export interface ReplicaPlan {
  /** the `replicas` closest live peers that are not bad, closest first */
  targets: string[]
  /** the closest live holder (self included), or undefined when no live holder is known */
  actor: string | undefined
  /** targets that lack the chunk */
  lacking: string[]
  /** this vault is the actor: it repairs the chunk and audits its other holders */
  isActor: boolean
  /** this vault puts the chunk to `lacking` now (the actor, or a vault leaving) */
  acts: boolean
  /** this vault holds the chunk, is not a target, and every target holds it: it may free its copy */
  free: boolean
  /** targets other than self that hold it (whom the actor audits) */
  holders: string[]
}

export function planReplica (view: ReplicaView): ReplicaPlan {
  const { self, holds, isBad } = view
  const leaving = view.leaving === true
  const order = view.candidates.includes(self) ? view.candidates : [...view.candidates, self]
  const live = (peer: string): boolean => peer === self ? !leaving : holds.has(peer)
  const holding = (peer: string): boolean => peer === self || holds.get(peer) === true
  const eligible = order.filter(peer => live(peer) && !isBad(peer))
  const targets = eligible.slice(0, view.replicas)
  const actor = eligible.find(holding)
  const lacking = targets.filter(peer => !holding(peer))
  const isTarget = targets.includes(self)
  return {
    targets,
    actor,
    lacking,
    isActor: actor === self,
    acts: lacking.length > 0 && (actor === self || leaving),
    free: !isTarget && !leaving && lacking.length === 0 && targets.length >= view.replicas,
    holders: targets.filter(peer => peer !== self && holding(peer))
  }
}
