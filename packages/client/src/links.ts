// Whether a symbolic link restored into a tree would lead out of it. Checked against the
// tree as the manifests describe it, the way the kernel resolves a path: each component in
// turn, following links met on the way, so that `x -> up/..` counts as leaving when `up`
// is itself a link to `..`. A string-only check (normalising the target) would miss that.

/** The links of a tree being restored, by their path from its root. */
export class LinkTree {
  private readonly links = new Map<string, string>()

  /** Records a link at `path` ('/'-separated, relative to the root) to `target`. */
  add (path: string, target: string): void {
    this.links.set(fold(path), target)
  }

  /**
   * Whether a link at `path` to `target` leads outside the root: an absolute target, or
   * one whose resolution climbs above the root at any step, through the tree's other
   * links included. A chain too long to resolve (a loop) leads nowhere, so not out.
   */
  leaves (path: string, target: string): boolean {
    return this.resolve(parentOf(path.split('/')), target, { hops: 0 }) === OUTSIDE
  }

  private resolve (from: string[], target: string, budget: { hops: number }): string[] | typeof OUTSIDE {
    if (target.startsWith('/')) return OUTSIDE
    let at = [...from]
    for (const part of target.split('/')) {
      if (part === '' || part === '.') continue
      if (part === '..') {
        if (at.length === 0) return OUTSIDE
        at.pop()
        continue
      }
      at.push(part)
      const link = this.links.get(fold(at.join('/')))
      if (link === undefined) continue
      // the kernel gives up (ELOOP) after 40 links; a loop cannot be followed out
      if (++budget.hops > MAX_HOPS) return at
      const next = this.resolve(parentOf(at), link, budget)
      if (next === OUTSIDE) return OUTSIDE
      at = next
    }
    return at
  }
}

const OUTSIDE = Symbol('outside')
const MAX_HOPS = 40

function parentOf (parts: string[]): string[] {
  return parts.slice(0, -1)
}

/**
 * Names that one file system may take for the same entry (case, Unicode form) are one
 * key: a link then counts wherever the kernel there would follow it. Stricter elsewhere,
 * never laxer.
 */
function fold (path: string): string {
  return path.normalize('NFC').toLowerCase()
}
