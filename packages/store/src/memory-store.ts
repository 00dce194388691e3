// A Store that keeps chunks in a Map: the same rules as the disk store (addresses, sizes,
// integrity, space, lifecycle), none of its durability. For tests and the simulator,
// where thousands of vaults live in one process and nothing may wait on a disk.
import { CID } from 'multiformats/cid'
import { assertHashMatches, chunkDigest, MAX_CHUNK_SIZE, requireChunkDigest } from './address.js'
import { ChunkTooLargeError, NoSpaceError, StoreClosedError } from './errors.js'
import type { PutChunkOptions, Store, StoreStats } from './index.js'

export interface MemoryStoreInit {
  /** bytes offered: the sum of stored chunk sizes never exceeds it */
  space: number
}

export function createMemoryStore (init: MemoryStoreInit): Store {
  if (!Number.isSafeInteger(init.space) || init.space < 0) throw new RangeError(`store space must be a whole number of bytes ≥ 0, got ${init.space}`)
  const space = init.space
  // keyed by the CID's bytes as a string: one entry per chunk whatever the CID object
  const chunks = new Map<string, { cid: CID, bytes: Uint8Array }>()
  let bytes = 0
  let open = false

  const requireOpen = (): void => { if (!open) throw new StoreClosedError() }
  const keyOf = (cid: CID): string => cid.toString()

  return {
    async start () { open = true },
    async stop () { open = false },

    async put (cid: CID, data: Uint8Array, options?: PutChunkOptions): Promise<boolean> {
      requireOpen()
      const digest = requireChunkDigest(cid)
      if (data.byteLength > MAX_CHUNK_SIZE) throw new ChunkTooLargeError(data.byteLength, MAX_CHUNK_SIZE)
      options?.signal?.throwIfAborted()
      if (options?.hashed !== true) assertHashMatches(cid, data, digest)
      const key = keyOf(cid)
      if (chunks.has(key)) return false
      if (bytes + data.byteLength > space) throw new NoSpaceError(data.byteLength, space - bytes)
      // the caller reuses its buffer once the put settles
      chunks.set(key, { cid, bytes: Uint8Array.from(data) })
      bytes += data.byteLength
      return true
    },

    async get (cid: CID, options?: { signal?: AbortSignal }): Promise<Uint8Array | null> {
      requireOpen()
      options?.signal?.throwIfAborted()
      if (chunkDigest(cid) === null) return null
      const held = chunks.get(keyOf(cid))
      // a copy: what the caller does with it must not change what is stored
      return held === undefined ? null : Uint8Array.from(held.bytes)
    },

    async has (cid: CID): Promise<boolean> {
      requireOpen()
      return chunkDigest(cid) !== null && chunks.has(keyOf(cid))
    },

    async delete (cid: CID): Promise<boolean> {
      requireOpen()
      const key = keyOf(cid)
      const held = chunks.get(key)
      if (held === undefined) return false
      chunks.delete(key)
      bytes -= held.bytes.byteLength
      return true
    },

    async * list (): AsyncGenerator<CID> {
      requireOpen()
      for (const { cid } of [...chunks.values()]) yield cid
    },

    async stats (): Promise<StoreStats> {
      requireOpen()
      return { chunks: chunks.size, bytes, space }
    }
  }
}
