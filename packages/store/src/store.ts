import { mkdir, open, rename } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import debug from 'debug'
import { CID } from 'multiformats/cid'
import { assertHashMatches, chunkDigest, hashMatches, MAX_CHUNK_SIZE, requireChunkDigest } from './address.js'
import { ChunkIndex, expiryMs, type ChunkEntry } from './chunk-index.js'
import { DurableDirs, isNotFound, readWhole, syncDir, unlinkIfPresent, writeFileSynced } from './durable-fs.js'
import { ChunkTooLargeError, IntegrityError, NoSpaceError, StoreClosedError } from './errors.js'
import { KeyedLock } from './keyed-lock.js'
import { diskSpace, type DiskSpace } from './disk-space.js'
import { Layout } from './layout.js'
import { collectAt, mergeLeases, NO_LEASES, sameLeases, withoutOwner } from './leases.js'
import { migrateFromVersion1 } from './migrate.js'
import { recover } from './recover.js'
import { emptyPeerRecord, type ChunkRecord, type LeaseRecord, type PeerRecord } from './records.js'
import type { PutChunkOptions, Store, StoreInit, StoreStats } from './index.js'

const log = debug('shoal:store')

export interface VaultStoreOptions extends StoreInit {
  /**
   * fsync every index batch. Off by default: an acknowledged put is already durable as a
   * synced blob under its real name, and an unclean start rebuilds lost index entries
   * from the blobs (see README). The benchmark turns it on to measure what it would cost.
   */
  syncIndex?: boolean
  /** how the disk's free space is read (tests give one that misjudges it) */
  disk?: DiskSpace
}

type State = 'stopped' | 'starting' | 'started' | 'stopping'

export class VaultStore implements Store {
  private readonly layout: Layout
  private readonly space: number
  private readonly syncIndex: boolean
  private readonly locks = new KeyedLock()
  private readonly dirs = new DurableDirs()
  private readonly inflight = new Set<Promise<unknown>>()
  private index: ChunkIndex | null = null
  private state: State = 'stopped'
  private transition: Promise<void> | null = null
  /** bytes promised to puts that are still writing; counted against space */
  private reserved = 0
  private readonly disk: DiskSpace
  private tmpSeq = 0

  constructor (init: VaultStoreOptions) {
    if (typeof init.dir !== 'string' || init.dir === '') throw new TypeError('store dir must be a non-empty path')
    if (!Number.isSafeInteger(init.space) || init.space < 0) throw new RangeError(`store space must be a whole number of bytes ≥ 0, got ${init.space}`)
    this.layout = new Layout(resolve(init.dir))
    this.space = init.space
    this.syncIndex = init.syncIndex ?? false
    this.disk = init.disk ?? diskSpace(this.layout.dir)
  }

  async start (): Promise<void> {
    while (this.transition != null) await this.transition.catch(() => {})
    if (this.state === 'started') return
    this.state = 'starting'
    this.transition = this.openStore().finally(() => { this.transition = null })
    await this.transition
  }

  private async openStore (): Promise<void> {
    const { layout } = this
    try {
      const made = await mkdir(layout.dir, { recursive: true })
      // The lock comes first: nothing below may touch a dir another store has open.
      const index = await ChunkIndex.open(layout.index, { dir: layout.dir, syncWrites: this.syncIndex })
      try {
        const { clean, version } = await index.readState()
        if (version === 1) await migrateFromVersion1(index)
        if (made != null) await syncNewDirs(made, layout.dir)
        for (const dir of [layout.blobs, layout.tmp, layout.quarantine]) await this.dirs.ensure(dir)
        await recover(layout, index, { full: !clean })
        await index.markOpen()
        log('started %s: %d chunks, %d of %d bytes%s', layout.dir, index.ledger.chunks, index.ledger.bytes, this.space, clean ? '' : ' (reconciled after unclean stop)')
        if (index.ledger.bytes > this.space) log.extend('warn')('%s holds %d bytes, more than the %d it offers: new chunks are refused until it holds less', layout.dir, index.ledger.bytes, this.space)
      } catch (err) {
        await index.close()
        throw err
      }
      this.index = index
      this.state = 'started'
    } catch (err) {
      this.state = 'stopped'
      this.dirs.clear()
      throw err
    }
  }

  async stop (): Promise<void> {
    while (this.transition != null) await this.transition.catch(() => {})
    if (this.state !== 'started' || this.index == null) return
    this.state = 'stopping'
    const index = this.index
    this.transition = (async () => {
      try {
        while (this.inflight.size > 0) await Promise.allSettled([...this.inflight])
        try {
          await index.drain()
          // Any failed write means the index may disagree with the disk: leave the marker
          // unset so the next start reconciles.
          if (!index.needsReconcile) await index.markClean()
        } catch (err) {
          // a full disk can refuse the index its last writes: the next start reconciles from the blobs
          log.extend('warn')('could not record a clean stop of %s (%s): the next start will check the vault', this.layout.dir, (err as Error).message)
        }
      } finally {
        await index.close()
        this.index = null
        this.dirs.clear()
        this.state = 'stopped'
        log('stopped %s', this.layout.dir)
      }
    })().finally(() => { this.transition = null })
    await this.transition
  }

  async put (cid: CID, bytes: Uint8Array, options?: PutChunkOptions): Promise<boolean> {
    const digest = requireChunkDigest(cid)
    if (bytes.byteLength > MAX_CHUNK_SIZE) throw new ChunkTooLargeError(bytes.byteLength, MAX_CHUNK_SIZE)
    return await this.track(async index => {
      options?.signal?.throwIfAborted()
      if (options?.hashed !== true) assertHashMatches(cid, bytes, digest)
      return await this.locks.run(cid.toString(), async () => {
        const held = await index.get(cid.bytes)
        if (held !== undefined) {
          await this.renew(index, cid.bytes, held, options?.leases ?? NO_LEASES, options?.leases === undefined)
          return false
        }
        options?.signal?.throwIfAborted()
        this.reserve(bytes.byteLength)
        let reserved = bytes.byteLength
        try {
          await this.checkDisk(bytes.byteLength)
          await this.writeBlob(cid, digest, bytes, options?.signal).catch(err => {
            if (!isDiskFull(err)) throw err
            this.disk.stale()
            log.extend('warn')('disk full writing %s: %s', cid, (err as Error).message)
            throw new NoSpaceError(bytes.byteLength, 0, 'disk')
          })
          this.disk.stale()
          // The blob is durable under its real name: that is the acknowledgement point.
          // From here the put completes even if aborted, or disk and index would differ.
          this.reserved -= reserved
          reserved = 0
          try {
            const leases = options?.leases
            const entry: ChunkEntry = {
              size: bytes.byteLength,
              storedAt: Date.now(),
              leases: leases === undefined ? NO_LEASES : mergeLeases(NO_LEASES, leases),
              pinned: leases === undefined,
              recovered: false
            }
            await index.commit([{ type: 'put', key: cid.bytes, entry, previous: undefined }], { chunks: 1, bytes: bytes.byteLength })
          } catch (err) {
            // not counted, so not kept: a blob the index does not know would be space nobody accounts for
            const { file, shard } = this.layout.blob(cid, digest)
            await unlinkIfPresent(file).then(async () => { await syncDir(shard) }).catch(() => {})
            if (isDiskFull(err)) throw new NoSpaceError(bytes.byteLength, 0, 'disk')
            throw err
          }
          return true
        } finally {
          this.reserved -= reserved
        }
      })
    })
  }

  /** temp file → data fsync → rename into its shard → fsync the shard directory */
  private async writeBlob (cid: CID, digest: Uint8Array, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    const blob = this.layout.blob(cid, digest)
    const tmp = join(this.layout.tmp, `${process.pid}.${++this.tmpSeq}`)
    // Shard directories are made (and their parents synced) while the blob is written:
    // in a young vault nearly every put lands in a new shard, and the two fsyncs overlap.
    const shardReady = this.dirs.ensure(blob.outer).then(async () => { await this.dirs.ensure(blob.shard) })
    shardReady.catch(() => {}) // awaited below; this only keeps an early write failure from leaving it unhandled
    try {
      await writeFileSynced(tmp, bytes)
      await shardReady
      signal?.throwIfAborted()
      await rename(tmp, blob.file)
    } catch (err) {
      await unlinkIfPresent(tmp).catch(() => {})
      throw err
    }
    try {
      await syncDir(blob.shard)
    } catch (err) {
      // Not durable, so not acknowledged: take it back rather than leave an uncounted blob.
      await unlinkIfPresent(blob.file).catch(() => {})
      throw err
    }
  }

  /** Refuses a put the disk has no room for; `this.reserved` holds it and every other put writing now. */
  private async checkDisk (size: number): Promise<void> {
    const free = await this.disk.free()
    if (this.reserved > free) {
      log.extend('warn')('disk short: %d bytes free for the vault, puts writing now need %d', free, this.reserved)
      throw new NoSpaceError(size, Math.max(0, free - (this.reserved - size)), 'disk')
    }
  }

  private reserve (size: number): void {
    const free = Math.max(0, this.space - this.index!.ledger.bytes - this.reserved)
    if (size > free) throw new NoSpaceError(size, free)
    this.reserved += size
  }

  async get (cid: CID, options?: { signal?: AbortSignal }): Promise<Uint8Array | null> {
    return await this.track(async index => {
      const digest = chunkDigest(cid)
      if (digest == null) return null
      const { file } = this.layout.blob(cid, digest)
      const first = await readVerified(file, digest, options?.signal)
      if (first instanceof Uint8Array) return first
      // Missing or bad: settle it under the CID's lock, so a put or delete in flight
      // finishes first and we judge what is really there.
      return await this.locks.run(cid.toString(), async () => {
        const again = await readVerified(file, digest)
        if (again instanceof Uint8Array) return again
        const entry = await index.get(cid.bytes)
        if (again === 'missing') {
          // Indexed but gone from disk (removed behind our back): stop counting it.
          if (entry != null) await index.commit([{ type: 'del', key: cid.bytes, entry }], { chunks: -1, bytes: -entry.size })
          return null
        }
        const to = this.layout.quarantined(cid)
        await rename(file, to)
        await syncDir(dirname(file))
        if (entry != null) await index.commit([{ type: 'del', key: cid.bytes, entry }], { chunks: -1, bytes: -entry.size })
        log('quarantined corrupt blob %s to %s', cid, to)
        throw new IntegrityError(`stored blob for ${cid.toString()} is corrupt; moved to quarantine`)
      })
    })
  }

  async has (cid: CID): Promise<boolean> {
    return await this.track(async index => chunkDigest(cid) != null && await index.has(cid.bytes))
  }

  async delete (cid: CID): Promise<boolean> {
    return await this.track(async index => {
      const digest = chunkDigest(cid)
      if (digest == null) return false
      return await this.locks.run(cid.toString(), async () => {
        const entry = await index.get(cid.bytes)
        if (entry == null) return false
        await this.remove(index, cid, digest, entry)
        return true
      })
    })
  }

  async release (cid: CID, seen: ChunkRecord): Promise<boolean> {
    return await this.track(async index => {
      const digest = chunkDigest(cid)
      if (digest == null) return false
      return await this.locks.run(cid.toString(), async () => {
        const entry = await index.get(cid.bytes)
        if (entry == null || entry.pinned || !sameLeases(entry.leases, seen.leases)) return false
        await this.remove(index, cid, digest, entry)
        return true
      })
    })
  }

  /** Deletes a held chunk; the caller holds its lock. */
  private async remove (index: ChunkIndex, cid: CID, digest: Uint8Array, entry: ChunkEntry): Promise<void> {
    const { file, shard } = this.layout.blob(cid, digest)
    // Blob first, durably: a crash after this leaves only a stale entry, which the
    // reconcile drops; the other order could resurrect a deleted chunk.
    if (await unlinkIfPresent(file)) await syncDir(shard)
    await index.commit([{ type: 'del', key: cid.bytes, entry }], { chunks: -1, bytes: -entry.size })
  }

  /**
   * Merges leases into a held chunk's entry (and pins it, for `pin`); writes only when
   * that changes something. The caller holds the chunk's lock.
   */
  private async renew (index: ChunkIndex, key: Uint8Array, held: ChunkEntry, leases: readonly LeaseRecord[], pin: boolean): Promise<void> {
    const merged = mergeLeases(held.leases, leases)
    const pinned = held.pinned || pin
    if (merged === held.leases && pinned === held.pinned) return
    // a recovered chunk is an ordinary one again once a lease (or a pin) names it
    const entry: ChunkEntry = { ...held, leases: merged, pinned, recovered: held.recovered && merged.length === 0 && !pinned }
    await index.commit([{ type: 'put', key, entry, previous: held }], { chunks: 0, bytes: 0 })
  }

  async record (cid: CID): Promise<ChunkRecord | null> {
    return await this.track(async index => {
      if (chunkDigest(cid) == null) return null
      const entry = await index.get(cid.bytes)
      return entry === undefined ? null : recordOf(cid, entry)
    })
  }

  async addLeases (cid: CID, leases: readonly LeaseRecord[]): Promise<boolean> {
    return await this.track(async index => {
      if (chunkDigest(cid) == null) return false
      return await this.locks.run(cid.toString(), async () => {
        const held = await index.get(cid.bytes)
        if (held === undefined) return false
        await this.renew(index, cid.bytes, held, leases, false)
        return true
      })
    })
  }

  async dropLeases (cid: CID, owner: Uint8Array): Promise<{ held: boolean, deleted: boolean }> {
    return await this.track(async index => {
      const digest = chunkDigest(cid)
      if (digest == null) return { held: false, deleted: false }
      return await this.locks.run(cid.toString(), async () => {
        const held = await index.get(cid.bytes)
        if (held === undefined) return { held: false, deleted: false }
        const kept = withoutOwner(held.leases, owner)
        if (kept === held.leases) return { held: true, deleted: false }
        if (kept.length === 0 && !held.pinned) {
          await this.remove(index, cid, digest, held)
          return { held: true, deleted: true }
        }
        await index.commit([{ type: 'put', key: cid.bytes, entry: { ...held, leases: kept }, previous: held }], { chunks: 0, bytes: 0 })
        return { held: true, deleted: false }
      })
    })
  }

  async records ({ after, limit }: { after?: CID, limit: number }): Promise<ChunkRecord[]> {
    return await this.track(async index => {
      const found: ChunkRecord[] = []
      for await (const [key, entry] of index.entries({ after: after?.bytes, limit })) {
        // an unreadable entry is skipped here; the next unclean start rebuilds it
        if (entry !== undefined) found.push(recordOf(CID.decode(key), entry))
      }
      return found
    })
  }

  async collectExpired (now: number, { limit }: { limit: number }): Promise<ChunkRecord[]> {
    return await this.track(async index => {
      const due = await index.expired(now, limit)
      // each chunk as delete() does it, concurrently: their directory fsyncs overlap and
      // their index writes share batches
      const collected = await Promise.all(due.map(async ({ key, at }) => {
        const cid = CID.decode(key)
        const digest = chunkDigest(cid)
        return await this.locks.run(cid.toString(), async () => {
          const entry = await index.get(key)
          const collectable = entry === undefined ? null : collectAt(entry.leases, entry.pinned, entry.recovered)
          if (entry === undefined || digest == null || collectable === null || expiryMs(collectable) !== at) {
            // an expiry key its chunk no longer has (only a damaged index leaves one)
            await index.commit([{ type: 'unexpire', key, at }], { chunks: 0, bytes: 0 })
            return null
          }
          await this.remove(index, cid, digest, entry)
          return recordOf(cid, entry)
        })
      }))
      return collected.filter(record => record !== null)
    })
  }

  async getMeta (name: string): Promise<unknown> {
    return await this.track(async index => await index.getValue(name))
  }

  async setMeta (name: string, value: unknown): Promise<void> {
    await this.track(async index => {
      // a round trip through JSON now, so what cannot be kept fails here, not in a batch
      const json = value === undefined ? undefined : JSON.parse(JSON.stringify(value))
      await index.commit([{ type: 'meta', name, value: json }], { chunks: 0, bytes: 0 })
    })
  }

  async peerRecord (id: string): Promise<PeerRecord> {
    return await this.track(async index => await index.getPeer(id) ?? emptyPeerRecord())
  }

  async updatePeer (id: string, change: (old: PeerRecord) => PeerRecord): Promise<PeerRecord> {
    return await this.track(async index => await this.locks.run(`peer ${id}`, async () => {
      const record = change(await index.getPeer(id) ?? emptyPeerRecord())
      await index.commit([{ type: 'peer', id, record }], { chunks: 0, bytes: 0 })
      return { ...record }
    }))
  }

  async * peerRecords (): AsyncGenerator<[string, PeerRecord]> {
    const index = this.requireOpen()
    try {
      for await (const entry of index.peerEntries()) yield entry
    } catch (err: any) {
      if (this.state !== 'started') throw new StoreClosedError()
      throw err
    }
  }

  async * list (): AsyncGenerator<CID> {
    const index = this.requireOpen()
    try {
      for await (const key of index.keys()) yield CID.decode(key)
    } catch (err: any) {
      if (this.state !== 'started') throw new StoreClosedError()
      throw err
    }
  }

  async stats (): Promise<StoreStats> {
    const { chunks, bytes } = this.requireOpen().ledger
    return { chunks, bytes, space: this.space, diskFree: await this.disk.free() }
  }

  private requireOpen (): ChunkIndex {
    if (this.state !== 'started' || this.index == null) throw new StoreClosedError()
    return this.index
  }

  /** Runs an operation against the open index; stop() waits for every one of them. */
  private async track<T> (operation: (index: ChunkIndex) => Promise<T>): Promise<T> {
    const running = operation(this.requireOpen())
    this.inflight.add(running)
    try {
      return await running
    } finally {
      this.inflight.delete(running)
    }
  }
}

function recordOf (cid: CID, entry: ChunkEntry): ChunkRecord {
  return { cid, size: entry.size, storedAt: entry.storedAt, leases: entry.leases, pinned: entry.pinned, recovered: entry.recovered }
}

/** Makes the directories mkdir -p just made durable: each one's entry in its parent. */
async function syncNewDirs (top: string, leaf: string): Promise<void> {
  for (let dir = leaf; ; dir = dirname(dir)) {
    await syncDir(dirname(dir))
    if (dir === top || dirname(dir) === dir) return
  }
}

/** The blob's bytes if they hash to the digest; otherwise whether it is missing or corrupt. */
async function readVerified (file: string, digest: Uint8Array, signal?: AbortSignal): Promise<Uint8Array | 'missing' | 'corrupt'> {
  let handle
  try {
    handle = await open(file, 'r')
  } catch (err) {
    if (isNotFound(err)) return 'missing'
    throw err
  }
  try {
    // A file bigger than any chunk is corrupt whatever it holds; do not buffer it.
    const { size } = await handle.stat()
    if (size > MAX_CHUNK_SIZE) return 'corrupt'
    signal?.throwIfAborted()
    const bytes = await readWhole(handle, size)
    return hashMatches(bytes, digest) ? bytes : 'corrupt'
  } finally {
    await handle.close()
  }
}

/** ENOSPC from fs, or from the level index (which reports it in its message). */
function isDiskFull (err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOSPC' || /No space left on device/.test(String((err as Error)?.message))
}
