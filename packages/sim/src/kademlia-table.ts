// One simulated node's Kademlia routing table. Points are 256-bit Kademlia IDs (sha256 of
// a peer ID's multihash or of a key, as kad-dht computes them); the first 64 bits are kept
// as two numbers so that nearly every XOR comparison is two integer ones.

/** A Kademlia ID with its first 64 bits as numbers. */
export interface KadPoint {
  readonly id: Uint8Array
  readonly hi: number
  readonly lo: number
}

export function pointOf (id: Uint8Array): KadPoint {
  return { id, hi: ((id[0] << 24) | (id[1] << 16) | (id[2] << 8) | id[3]) >>> 0, lo: ((id[4] << 24) | (id[5] << 16) | (id[6] << 8) | id[7]) >>> 0 }
}

/** Negative when `a` is XOR-closer to `target` than `b` (compareDistance's order). */
export function compareTo (target: KadPoint, a: KadPoint, b: KadPoint): number {
  const ah = (a.hi ^ target.hi) >>> 0
  const bh = (b.hi ^ target.hi) >>> 0
  if (ah !== bh) return ah < bh ? -1 : 1
  const al = (a.lo ^ target.lo) >>> 0
  const bl = (b.lo ^ target.lo) >>> 0
  if (al !== bl) return al < bl ? -1 : 1
  for (let i = 8; i < 32; i++) {
    const d = (a.id[i] ^ target.id[i]) - (b.id[i] ^ target.id[i])
    if (d !== 0) return d
  }
  return 0
}

/** How many leading bits two points share (at most 63: the tables have 64 buckets). */
function sharedBits (a: KadPoint, b: KadPoint): number {
  const hi = Math.clz32((a.hi ^ b.hi) >>> 0)
  return hi < 32 ? hi : Math.min(63, 32 + Math.clz32((a.lo ^ b.lo) >>> 0))
}

/**
 * How a table files its peers.
 * - `kad-dht`: what @libp2p/kad-dht 16 (our node's DHT) keeps: a trie split on any full
 *   bucket down to `prefixLength` 6 bits, so at most k peers for each of the 64 first-six-bit
 *   prefixes of the keyspace, wherever the node's own ID is (1,280 peers in all).
 * - `kademlia`: the paper's: bucket i holds up to k peers sharing exactly i leading bits
 *   with the node, so it knows the space near itself best.
 */
export type TableShape = 'kad-dht' | 'kademlia'

const BUCKETS = 64
/** kad-dht pings a contact again only after this long (its LAST_PING_THRESHOLD) */
const LAST_PING_THRESHOLD_MS = 600_000
/** and pings at most this many of a full bucket's oldest contacts to make room (PING_OLD_CONTACT_COUNT) */
const PING_OLD_CONTACTS = 3

// a bucket is two parallel arrays, not an array of objects: ten thousand full tables hold
// over ten million entries
interface Bucket<P> { peers: P[], pinged: number[] }

export class RoutingTable<P extends KadPoint> {
  private readonly buckets: Array<Bucket<P>> = Array.from({ length: BUCKETS }, () => ({ peers: [], pinged: [] }))
  private count = 0

  constructor (readonly self: P, readonly shape: TableShape, readonly k: number) {}

  get size (): number { return this.count }

  private bucketOf (point: KadPoint): Bucket<P> {
    return this.buckets[this.shape === 'kad-dht' ? point.hi >>> 26 : sharedBits(this.self, point)]
  }

  has (peer: P): boolean {
    return this.bucketOf(peer).peers.includes(peer)
  }

  /**
   * Files a peer just heard from, as kad-dht does: into its bucket if there is room; a full
   * bucket pings its (up to three) oldest contacts not pinged in ten minutes and makes room
   * only if one of them is dead. True when the peer is in the table afterwards.
   */
  add (peer: P, now: number, alive: (peer: P) => boolean): boolean {
    if (peer === this.self) return false
    const bucket = this.bucketOf(peer)
    if (bucket.peers.includes(peer)) return true
    if (bucket.peers.length >= this.k && !this.evictDead(bucket, now, alive)) return false
    bucket.peers.push(peer)
    bucket.pinged.push(now)
    this.count++
    return true
  }

  private evictDead (bucket: Bucket<P>, now: number, alive: (peer: P) => boolean): boolean {
    const stale = bucket.pinged.map((pinged, at) => ({ pinged, at }))
      .filter(e => e.pinged <= now - LAST_PING_THRESHOLD_MS)
      .sort((a, b) => a.pinged - b.pinged)
      .slice(0, PING_OLD_CONTACTS)
    const dead = new Set<P>()
    for (const { at } of stale) {
      if (alive(bucket.peers[at])) bucket.pinged[at] = now
      else dead.add(bucket.peers[at])
    }
    for (const peer of dead) this.remove(peer)
    return dead.size > 0
  }

  remove (peer: P): void {
    const bucket = this.bucketOf(peer)
    const at = bucket.peers.indexOf(peer)
    if (at < 0) return
    bucket.peers.splice(at, 1)
    bucket.pinged.splice(at, 1)
    this.count--
  }

  /**
   * The (up to) `count` peers of the table XOR-closest to `target`, in no particular order
   * (callers sort or shuffle), leaving out `exclude`. Buckets are taken in groups each
   * wholly closer than the next, so only the last group taken needs sorting, to cut it.
   */
  closest (target: KadPoint, count: number, exclude?: P): P[] {
    const found: P[] = []
    // where the last group taken starts in `found`
    let group = 0
    const take = (bucket: number): void => {
      for (const peer of this.buckets[bucket].peers) if (peer !== exclude) found.push(peer)
    }
    if (this.shape === 'kad-dht') {
      // every peer under the target's prefix is closer than any outside it, and so on
      const home = target.hi >>> 26
      for (let x = 0; x < BUCKETS && found.length < count; x++) {
        group = found.length
        take(home ^ x)
      }
    } else {
      // bucket c agrees with the target one bit further than any other; then the buckets
      // deeper than c, together (they differ from it at bit c); then c-1, c-2, … (earlier)
      const c = sharedBits(this.self, target)
      take(c)
      if (found.length < count) {
        group = found.length
        for (let b = c + 1; b < BUCKETS; b++) take(b)
      }
      for (let b = c - 1; b >= 0 && found.length < count; b--) {
        group = found.length
        take(b)
      }
    }
    if (found.length > count) {
      const last = found.splice(group).sort((a, b) => compareTo(target, a, b))
      for (let i = 0; found.length < count; i++) found.push(last[i])
    }
    return found
  }

  /** Every peer in the table (tests). */
  peers (): P[] {
    return this.buckets.flatMap(b => b.peers)
  }
}
