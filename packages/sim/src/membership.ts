// The vaults lookups can find, indexed by Kademlia ID so that a closest-peers lookup among
// ten thousand costs a binary search and a sort of a few dozen, not a hash and a sort of
// every member (the memory network's default). Answers are what sortByDistance over the
// whole membership would give.
import type { PeerId } from '@libp2p/interface'
import { compareDistance, kadId, type MembershipIndex } from '@shoal/node/memory'

interface Member { peer: PeerId, id: Uint8Array, prefix: number }

/** The first 48 bits of a Kademlia ID, as a number (exact below 2^53). */
const PREFIX_BITS = 48
const prefixOf = (id: Uint8Array): number => id[0] * 2 ** 40 + id[1] * 2 ** 32 + id[2] * 2 ** 24 + id[3] * 2 ** 16 + id[4] * 2 ** 8 + id[5]

export function createMembershipIndex (): MembershipIndex & { readonly size: number } {
  // sorted by ID: the members sharing the top L bits with a key are one contiguous run
  const members: Member[] = []
  const lowerBound = (prefix: number): number => {
    let lo = 0
    let hi = members.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (members[mid].prefix < prefix) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const runSharing = (prefix: number, bits: number): [number, number] => {
    const block = 2 ** (PREFIX_BITS - bits)
    const start = Math.floor(prefix / block) * block
    return [lowerBound(start), lowerBound(start + block)]
  }

  return {
    get size () { return members.length },
    add (peer) {
      const id = kadId(peer.toMultihash().bytes)
      const member = { peer, id, prefix: prefixOf(id) }
      let at = lowerBound(member.prefix)
      while (at < members.length && compareDistance(new Uint8Array(32), members[at].id, id) < 0) at++
      members.splice(at, 0, member)
    },
    remove (peer) {
      const id = kadId(peer.toMultihash().bytes)
      for (let at = lowerBound(prefixOf(id)); at < members.length && members[at].prefix === prefixOf(id); at++) {
        if (members[at].peer.equals(peer)) { members.splice(at, 1); return }
      }
    },
    closest (key, count) {
      const target = kadId(key)
      const prefix = prefixOf(target)
      // the longest shared prefix whose run still holds `count` members: everyone outside
      // it shares fewer bits with the key, so is farther than everyone inside
      let lo = 0
      let hi = PREFIX_BITS
      while (lo < hi) {
        const bits = (lo + hi + 1) >>> 1
        const [from, to] = runSharing(prefix, bits)
        if (to - from >= count) lo = bits
        else hi = bits - 1
      }
      const [from, to] = runSharing(prefix, lo)
      return members.slice(from, to)
        .sort((a, b) => compareDistance(target, a.id, b.id))
        .slice(0, count)
        .map(m => m.peer)
    }
  }
}
