// A Store that keeps chunks in memory: the same rules as the disk store (addresses, sizes,
// integrity, space, lifecycle, leases), none of its durability. For tests and the
// simulator, where thousands of vaults live in one process and nothing may wait on a disk.
import sortedBtree from 'sorted-btree'
import type { CID } from 'multiformats/cid'
import { assertHashMatches, chunkDigest, hashMatches, MAX_CHUNK_SIZE, requireChunkDigest } from './address.js'
import { ChunkTooLargeError, IntegrityError, NoSpaceError, StoreClosedError } from './errors.js'
import { collectAt, mergeLeases, NO_LEASES, sameLeases, withoutOwner } from './leases.js'
import { emptyPeerRecord, type ChunkRecord, type LeaseRecord, type PeerRecord } from './records.js'
import type { PutChunkOptions, Store, StoreStats } from './index.js'

const BTree = sortedBtree.default

export interface MemoryStoreInit {
  /** bytes offered: the sum of stored chunk sizes never exceeds it */
  space: number
  /** milliseconds since the epoch, for each chunk's storedAt (default Date.now; a simulator gives its clock) */
  now?: () => number
}

interface Held {
  cid: CID
  bytes: Uint8Array
  storedAt: number
  /** false for a put the caller vouched for (hashed: true): the first get checks it */
  verified: boolean
  /** replaced, never changed in place, so a record can share it */
  leases: readonly LeaseRecord[]
  pinned: boolean
}

/** A chunk's place in the expiry index: when its last lease ends, then its key. */
interface ExpiryKey { at: number, key: string }

const byExpiry = (a: ExpiryKey, b: ExpiryKey): number => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
const byKey = (a: string, b: string): number => a < b ? -1 : a > b ? 1 : 0

// No method awaits anything, so each one runs to its end before another starts: a put's
// space check and the store that follows cannot interleave with another put, which is
// what the disk store's reservations are for, and updatePeer is serialized for free.
export function createMemoryStore (init: MemoryStoreInit): Store {
  if (!Number.isSafeInteger(init.space) || init.space < 0) throw new RangeError(`store space must be a whole number of bytes ≥ 0, got ${init.space}`)
  const { space } = init
  const now = init.now ?? Date.now
  // ordered as the disk index is (by the CID's bytes), for the repair walk
  const chunks = new BTree<string, Held>(undefined, byKey)
  // the chunks that may be collected, earliest first: pinned ones are not in it
  const expiry = new BTree<ExpiryKey, Held>(undefined, byExpiry)
  const meta = new Map<string, string>()
  const peers = new Map<string, PeerRecord>()
  let bytes = 0
  let open = false

  const requireOpen = (): void => { if (!open) throw new StoreClosedError() }
  // keyed by digest, the one part of a vault CID that varies: latin1 keeps the bytes'
  // order (so the walk is in CID order) and is cheap on a CID just decoded from a message
  const keyOf = (digest: Uint8Array): string => Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('latin1')
  const heldFor = (cid: CID): [string, Held] | null => {
    const digest = chunkDigest(cid)
    if (digest === null) return null
    const key = keyOf(digest)
    const held = chunks.get(key)
    return held === undefined ? null : [key, held]
  }
  const drop = (key: string, held: Held): void => {
    chunks.delete(key)
    const at = collectAt(held.leases, held.pinned, false)
    if (at !== null) expiry.delete({ at, key })
    bytes -= held.bytes.byteLength
  }
  /** Gives a held chunk new leases (or a pin), keeping the expiry index in step. */
  const change = (key: string, held: Held, leases: readonly LeaseRecord[], pinned: boolean): void => {
    const before = collectAt(held.leases, held.pinned, false)
    held.leases = leases
    held.pinned = pinned
    const after = collectAt(leases, pinned, false)
    if (before === after) return
    if (before !== null) expiry.delete({ at: before, key })
    if (after !== null) expiry.set({ at: after, key }, held)
  }
  const recordOf = (held: Held): ChunkRecord =>
    ({ cid: held.cid, size: held.bytes.byteLength, storedAt: held.storedAt, leases: held.leases, pinned: held.pinned, recovered: false })

  return {
    async start () { open = true },
    async stop () { open = false },

    async put (cid: CID, data: Uint8Array, options?: PutChunkOptions): Promise<boolean> {
      const digest = requireChunkDigest(cid)
      if (data.byteLength > MAX_CHUNK_SIZE) throw new ChunkTooLargeError(data.byteLength, MAX_CHUNK_SIZE)
      requireOpen()
      options?.signal?.throwIfAborted()
      const verified = options?.hashed !== true
      if (verified) assertHashMatches(cid, data, digest)
      const key = keyOf(digest)
      const leases = options?.leases
      const old = chunks.get(key)
      if (old !== undefined) {
        change(key, old, leases === undefined ? old.leases : mergeLeases(old.leases, leases), old.pinned || leases === undefined)
        return false
      }
      const free = Math.max(0, space - bytes)
      if (data.byteLength > free) throw new NoSpaceError(data.byteLength, free)
      // a copy: the caller reuses its buffer once the put settles
      const held: Held = { cid, bytes: new Uint8Array(data), storedAt: now(), verified, leases: NO_LEASES, pinned: false }
      chunks.set(key, held)
      change(key, held, leases === undefined ? NO_LEASES : mergeLeases(NO_LEASES, leases), leases === undefined)
      bytes += data.byteLength
      return true
    },

    async get (cid: CID, options?: { signal?: AbortSignal }): Promise<Uint8Array | null> {
      requireOpen()
      options?.signal?.throwIfAborted()
      const found = heldFor(cid)
      if (found === null) return null
      const [key, held] = found
      if (!held.verified) {
        if (!hashMatches(held.bytes, held.cid.multihash.digest)) {
          // as the disk store quarantines a corrupt blob: no longer held, nor counted
          drop(key, held)
          throw new IntegrityError(`stored chunk ${cid.toString()} does not hash to its CID; dropped`)
        }
        held.verified = true
      }
      // a copy: what the caller does with it must not change what is stored
      return new Uint8Array(held.bytes)
    },

    async has (cid: CID): Promise<boolean> {
      requireOpen()
      return heldFor(cid) !== null
    },

    async delete (cid: CID): Promise<boolean> {
      requireOpen()
      const found = heldFor(cid)
      if (found === null) return false
      drop(...found)
      return true
    },

    async release (cid: CID, seen: ChunkRecord): Promise<boolean> {
      requireOpen()
      const found = heldFor(cid)
      if (found === null || found[1].pinned || !sameLeases(found[1].leases, seen.leases)) return false
      drop(...found)
      return true
    },

    async * list (): AsyncGenerator<CID> {
      requireOpen()
      // what was held when listing began, as the disk store's index iterator sees it
      for (const { cid } of chunks.valuesArray()) {
        requireOpen()
        yield cid
      }
    },

    async stats (): Promise<StoreStats> {
      requireOpen()
      return { chunks: chunks.size, bytes, space }
    },

    async record (cid: CID): Promise<ChunkRecord | null> {
      requireOpen()
      const found = heldFor(cid)
      return found === null ? null : recordOf(found[1])
    },

    async addLeases (cid: CID, leases: readonly LeaseRecord[]): Promise<boolean> {
      requireOpen()
      const found = heldFor(cid)
      if (found === null) return false
      const [key, held] = found
      change(key, held, mergeLeases(held.leases, leases), held.pinned)
      return true
    },

    async dropLeases (cid: CID, owner: Uint8Array): Promise<{ held: boolean, deleted: boolean }> {
      requireOpen()
      const found = heldFor(cid)
      if (found === null) return { held: false, deleted: false }
      const [key, held] = found
      const kept = withoutOwner(held.leases, owner)
      if (kept === held.leases) return { held: true, deleted: false }
      if (kept.length === 0 && !held.pinned) {
        drop(key, held)
        return { held: true, deleted: true }
      }
      change(key, held, kept, held.pinned)
      return { held: true, deleted: false }
    },

    async records ({ after, limit }: { after?: CID, limit: number }): Promise<ChunkRecord[]> {
      requireOpen()
      const digest = after === undefined ? null : chunkDigest(after)
      const from = digest === null ? undefined : keyOf(digest)
      const found: ChunkRecord[] = []
      for (const [key, held] of chunks.entries(from)) {
        if (found.length >= limit) break
        if (key !== from) found.push(recordOf(held))
      }
      return found
    },

    async collectExpired (time: number, { limit }: { limit: number }): Promise<ChunkRecord[]> {
      requireOpen()
      const due: Array<[string, Held]> = []
      for (const [{ at, key }, held] of expiry.entries()) {
        if (at > time || due.length >= limit) break
        due.push([key, held])
      }
      for (const [key, held] of due) drop(key, held)
      return due.map(([, held]) => recordOf(held))
    },

    async getMeta (name: string): Promise<unknown> {
      requireOpen()
      const text = meta.get(name)
      return text === undefined ? undefined : JSON.parse(text)
    },

    async setMeta (name: string, value: unknown): Promise<void> {
      requireOpen()
      // kept as JSON, so what comes back is what the disk store would give back
      if (value === undefined) meta.delete(name)
      else meta.set(name, JSON.stringify(value))
    },

    async peerRecord (id: string): Promise<PeerRecord> {
      requireOpen()
      return { ...(peers.get(id) ?? emptyPeerRecord()) }
    },

    async updatePeer (id: string, update: (old: PeerRecord) => PeerRecord): Promise<PeerRecord> {
      requireOpen()
      const next = update({ ...(peers.get(id) ?? emptyPeerRecord()) })
      peers.set(id, next)
      return { ...next }
    },

    async * peerRecords (): AsyncGenerator<[string, PeerRecord]> {
      requireOpen()
      for (const [id, record] of [...peers]) {
        requireOpen()
        yield [id, { ...record }]
      }
    }
  }
}
