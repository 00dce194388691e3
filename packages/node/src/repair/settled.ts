// What the last full HAS round saw of a replicated chunk whose neighbourhood was settled
// (its `r` closest live peers all held it and this vault had nothing to do). While its
// candidates stay the same and the view is young, a tick asks only the holders it
// watches (the actor every other holder, the others the actor; all of them on a tick
// that audits them): one that is gone or lost
// it unsettles the chunk and the full round runs in the same tick, so a departure is met
// by the actor (or, the actor gone, its successor) as soon as before; a closer peer
// coming back up is seen at the next full round. Bounded: the oldest views go first (a vault walking more chunks
// than it revisits within the view's life gains nothing from keeping them).

export interface SettledView {
  /** the candidates, closest first, when the view was taken */
  candidates: readonly string[]
  /** what each peer that answered said then (holds or not); a peer missing did not answer */
  holds: ReadonlyMap<string, boolean>
  /** the holders this vault watches, asked again each tick */
  watched: readonly string[]
  /** every other holder among the targets: asked on a tick that audits them */
  holders: readonly string[]
  /** clock time after which a full round is due */
  until: number
}

export interface SettledViews {
  /** The view of `key` while it is young and its candidates are still `candidates`. */
  get: (key: string, candidates: readonly string[], now: number) => SettledView | undefined
  set: (key: string, view: SettledView) => void
  delete: (key: string) => void
  readonly size: number
}

export function createSettledViews (limit: number): SettledViews {
  const views = new Map<string, SettledView>()
  return {
    get (key, candidates, now) {
      const view = views.get(key)
      if (view === undefined) return undefined
      if (now >= view.until || !sameOrder(view.candidates, candidates)) {
        views.delete(key)
        return undefined
      }
      return view
    },
    set (key, view) {
      if (limit <= 0) return
      views.delete(key)
      views.set(key, view)
      if (views.size > limit) views.delete(views.keys().next().value as string)
    },
    delete (key) { views.delete(key) },
    get size () { return views.size }
  }
}

function sameOrder (a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
