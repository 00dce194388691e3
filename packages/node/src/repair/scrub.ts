// Re-hashing this vault's own blobs in the background, at a bounded rate, from a cursor
// kept in the index: the store's get checks a blob against its CID and quarantines one
// that fails. A corrupt chunk is fetched again from another holder (the chunk client
// verifies what it gets) and stored again with the leases it had.
import type { PeerId } from '@libp2p/interface'
import { IntegrityError } from '@shoal/store'
import type { Clock } from '@shoal/runtime'
import { CID } from 'multiformats/cid'
import { chunkKey } from '../closest-peers.js'
import { withDeadline } from '../deadline.js'
import type { NodeLogger } from '../logger.js'
import type { ChunkRecord, ClosestPeers, RepairChunks, RepairStore } from './types.js'

export const SCRUB_CURSOR = 'repair:scrub-cursor'
const PAGE = 64

export interface ScrubberInit {
  self: PeerId
  store: Pick<RepairStore, 'get' | 'put' | 'records' | 'getMeta' | 'setMeta'>
  chunks: Pick<RepairChunks, 'get'>
  closestPeers: ClosestPeers
  clock: Clock
  timeoutMs: number
  /** how many other peers are asked for a good copy */
  askPeers: number
  logger: NodeLogger
}

export interface Scrubber {
  /** Re-hashes blobs from the cursor on until about `budgetBytes` were read (at least one). */
  step: (budgetBytes: number, signal?: AbortSignal) => Promise<void>
  /** Fetches a good copy of a chunk found corrupt (and quarantined) here from another holder. */
  replace: (record: ChunkRecord, signal?: AbortSignal) => Promise<void>
  readonly scrubbed: number
  readonly replaced: number
}

export function createScrubber (init: ScrubberInit): Scrubber {
  const { store, chunks, clock, logger } = init
  let scrubbed = 0
  let replaced = 0

  async function replace (record: ChunkRecord, signal?: AbortSignal): Promise<void> {
    const { cid } = record
    const peers = await withDeadline(clock, init.timeoutMs, [signal], async s => await init.closestPeers(chunkKey(cid), init.askPeers + 1, { signal: s }))
    for (const peer of peers) {
      if (peer.equals(init.self)) continue
      let bytes: Uint8Array | null
      try {
        bytes = await withDeadline(clock, init.timeoutMs, [signal], async s => await chunks.get(peer, cid, { signal: s }))
      } catch (err) {
        if (signal?.aborted === true) throw err
        continue // unreachable, or it sent bad bytes too: ask the next
      }
      if (bytes === null) continue
      await store.put(cid, bytes, { leases: record.leases })
      replaced++
      logger.info({ cid: cid.toString(), from: peer.toString() }, 'corrupt chunk replaced from another holder')
      return
    }
    logger.error({ cid: cid.toString() }, 'corrupt chunk quarantined; no other holder had a good copy')
  }

  return {
    async step (budgetBytes, signal) {
      const saved = await store.getMeta(SCRUB_CURSOR)
      let after = typeof saved === 'string' ? CID.parse(saved) : undefined
      let read = 0
      while (read === 0 || read < budgetBytes) {
        const page = await store.records({ after, limit: PAGE })
        if (page.length === 0) { after = undefined; break }
        for (const record of page) {
          signal?.throwIfAborted()
          after = record.cid
          read += record.size
          try {
            await store.get(record.cid, { signal })
            scrubbed++
          } catch (err) {
            if (!(err instanceof IntegrityError)) throw err
            await replace(record, signal)
          }
          if (read >= budgetBytes) break
        }
        if (page.length < PAGE && read < budgetBytes) { after = undefined; break }
      }
      await store.setMeta(SCRUB_CURSOR, after?.toString())
    },
    replace,
    get scrubbed () { return scrubbed },
    get replaced () { return replaced }
  }
}
