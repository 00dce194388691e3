// A Store that keeps chunks in a Map: the same rules as the disk store (addresses, sizes,
// integrity, space, lifecycle), none of its durability. For tests and the simulator,
// where thousands of vaults live in one process and nothing may wait on a disk.
import { CID } from 'multiformats/cid'
import { assertHashMatches, chunkDigest, hashMatches, MAX_CHUNK_SIZE, requireChunkDigest } from './address.js'
import { ChunkTooLargeError, IntegrityError, NoSpaceError, StoreClosedError } from './errors.js'
import type { PutChunkOptions, Store, StoreStats } from './index.js'

export interface MemoryStoreInit {
  /** bytes offered: the sum of stored chunk sizes never exceeds it */
  space: number
  /** milliseconds since the epoch, for each chunk's storedAt (default Date.now; a simulator gives its clock) */
  now?: () => number
}

interface Held {
  cid: CID
  bytes: Uint8Array
  /** when it was stored, as the disk index records it; no Store method returns it yet */
  storedAt: number
  /** false for a put the caller vouched for (hashed: true): the first get checks it */
  verified: boolean
}

// No method awaits anything, so each one runs to its end before another starts: a put's
// space check and the store that follows cannot interleave with another put, which is
// what the disk store's reservations are for.
export function createMemoryStore (init: MemoryStoreInit): Store {
  if (!Number.isSafeInteger(init.space) || init.space < 0) throw new RangeError(`store space must be a whole number of bytes ≥ 0, got ${init.space}`)
  const { space } = init
  const now = init.now ?? Date.now
  const chunks = new Map<string, Held>()
  let bytes = 0
  let open = false

  const requireOpen = (): void => { if (!open) throw new StoreClosedError() }
  // keyed by digest: the one part of a vault CID that varies, and 10x cheaper than
  // cid.toString() on a CID just decoded from a message
  const keyOf = (digest: Uint8Array): string => Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('base64')
  const drop = (key: string, held: Held): void => {
    chunks.delete(key)
    bytes -= held.bytes.byteLength
  }

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
      if (chunks.has(key)) return false
      const free = Math.max(0, space - bytes)
      if (data.byteLength > free) throw new NoSpaceError(data.byteLength, free)
      // a copy: the caller reuses its buffer once the put settles
      chunks.set(key, { cid, bytes: new Uint8Array(data), storedAt: now(), verified })
      bytes += data.byteLength
      return true
    },

    async get (cid: CID, options?: { signal?: AbortSignal }): Promise<Uint8Array | null> {
      requireOpen()
      options?.signal?.throwIfAborted()
      const digest = chunkDigest(cid)
      if (digest === null) return null
      const key = keyOf(digest)
      const held = chunks.get(key)
      if (held === undefined) return null
      if (!held.verified) {
        if (!hashMatches(held.bytes, digest)) {
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
      const digest = chunkDigest(cid)
      return digest !== null && chunks.has(keyOf(digest))
    },

    async delete (cid: CID): Promise<boolean> {
      requireOpen()
      const digest = chunkDigest(cid)
      if (digest === null) return false
      const key = keyOf(digest)
      const held = chunks.get(key)
      if (held === undefined) return false
      drop(key, held)
      return true
    },

    async * list (): AsyncGenerator<CID> {
      requireOpen()
      // what was held when listing began, as the disk store's index iterator sees it
      for (const { cid } of [...chunks.values()]) {
        requireOpen()
        yield cid
      }
    },

    async stats (): Promise<StoreStats> {
      requireOpen()
      return { chunks: chunks.size, bytes, space }
    }
  }
}
