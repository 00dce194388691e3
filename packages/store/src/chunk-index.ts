import { Level } from 'level'
import debug from 'debug'
import { decodeEntry, encodeEntry, type ChunkEntry } from './entry-codec.js'
import { StoreLockedError } from './errors.js'
import { collectAt } from './leases.js'
import type { PeerRecord } from './records.js'

export type { ChunkEntry } from './entry-codec.js'

const log = debug('shoal:store:index')

export interface Ledger { chunks: number, bytes: number }

/**
 * A change to the index. A chunk's op carries the entry it replaces or removes
 * (`previous`, `entry` of a del; undefined when there was none or it could not be read),
 * so its expiry key can change in the same batch without another read.
 */
export type IndexOp =
  | { type: 'put', key: Uint8Array, entry: ChunkEntry, previous: ChunkEntry | undefined }
  | { type: 'del', key: Uint8Array, entry: ChunkEntry | undefined }
  | { type: 'unexpire', key: Uint8Array, at: number }
  | { type: 'peer', id: string, record: PeerRecord }
  | { type: 'meta', name: string, value: unknown }

interface PendingCommit { ops: IndexOp[], resolve: () => void, reject: (err: Error) => void }

/** 2: chunk entries in CBOR with their leases, and the expiry index. 1: JSON entries. */
export const SCHEMA_VERSION = 2
const NOTHING = new Uint8Array(0)

/**
 * The level database beside the blobs: one entry per held chunk, the expiry index, the
 * space ledger, the clean-shutdown marker, the per-peer ledger and named values. It owns
 * the in-memory ledger so that every change to it goes out in the same atomic batch as
 * the entries that caused it.
 */
export class ChunkIndex {
  readonly ledger: Ledger = { chunks: 0, bytes: 0 }
  /**
   * Set when a write to the index or the disk failed: the two may disagree, so the stop
   * records no clean marker and the next start reconciles.
   */
  needsReconcile = false
  private readonly db: Level<string, any>
  private readonly chunks
  /** one key per collectable chunk: 8-byte big-endian last expiry ‖ chunk key; no value */
  private readonly expiry
  private readonly meta
  /** named values for the store's users (getMeta/setMeta), apart from the index's own */
  private readonly values
  private readonly peers
  private queue: PendingCommit[] = []
  private flushing: Promise<void> | null = null

  private constructor (db: Level<string, any>, private readonly syncWrites: boolean) {
    this.db = db
    this.chunks = db.sublevel<Uint8Array, Uint8Array>('chunks', { keyEncoding: 'view', valueEncoding: 'view' })
    this.expiry = db.sublevel<Uint8Array, Uint8Array>('expiry', { keyEncoding: 'view', valueEncoding: 'view' })
    this.meta = db.sublevel<string, any>('meta', { valueEncoding: 'json' })
    this.values = db.sublevel<string, any>('values', { valueEncoding: 'json' })
    this.peers = db.sublevel<string, PeerRecord>('peers', { valueEncoding: 'json' })
  }

  /** Opens (and so locks) the database. The lock is leveldb's LOCK file. */
  static async open (location: string, options: { dir: string, syncWrites: boolean }): Promise<ChunkIndex> {
    const db = new Level<string, any>(location, { valueEncoding: 'json' })
    try {
      await db.open()
    } catch (err: any) {
      if (err.code === 'LEVEL_LOCKED' || err.cause?.code === 'LEVEL_LOCKED') {
        throw new StoreLockedError(options.dir, { cause: err })
      }
      throw err
    }
    return new ChunkIndex(db, options.syncWrites)
  }

  /**
   * Reads the stored state. `clean` is true only when the last run stopped cleanly, so
   * the stored ledger and entries can be trusted as they are.
   */
  async readState (): Promise<{ clean: boolean, version: number | undefined }> {
    const [version, clean, ledger] = await this.meta.getMany(['version', 'clean', 'ledger'])
    if (version != null && version > SCHEMA_VERSION) {
      throw new Error(`vault index schema ${String(version)} is newer than this software (${SCHEMA_VERSION})`)
    }
    if (ledger != null) {
      this.ledger.chunks = ledger.chunks
      this.ledger.bytes = ledger.bytes
    }
    // a version 1 ledger is as good as a version 2 one: migration changes no sizes
    return { clean: clean != null && ledger != null && version != null, version: version ?? undefined }
  }

  /** The chunk's entry; undefined when absent, or unreadable (logged; recovery replaces it). */
  async get (key: Uint8Array): Promise<ChunkEntry | undefined> {
    const bytes = await this.chunks.get(key)
    return bytes === undefined ? undefined : this.decode(key, bytes)
  }

  async has (key: Uint8Array): Promise<boolean> {
    return await this.chunks.has(key)
  }

  keys (): AsyncIterable<Uint8Array> {
    return this.chunks.keys()
  }

  /** Entries in key order, after `after` when given; an unreadable one comes as undefined. */
  async * entries (options: { after?: Uint8Array, limit?: number } = {}): AsyncGenerator<[Uint8Array, ChunkEntry | undefined]> {
    const range = options.after === undefined ? {} : { gt: options.after }
    for await (const [key, bytes] of this.chunks.iterator({ ...range, limit: options.limit ?? Infinity })) {
      yield [key, this.decode(key, bytes)]
    }
  }

  /** Raw entries, for migration. */
  rawEntries (): AsyncIterable<[Uint8Array, Uint8Array]> {
    return this.chunks.iterator()
  }

  /** Up to `limit` chunks whose expiry key says they may be collected at `now`. */
  async expired (now: number, limit: number): Promise<Array<{ key: Uint8Array, at: number }>> {
    const due: Array<{ key: Uint8Array, at: number }> = []
    for await (const key of this.expiry.keys({ lt: expiryKey(Math.floor(now) + 1, NOTHING), limit })) {
      due.push({ key: key.subarray(8), at: readExpiry(key) })
    }
    return due
  }

  async getValue (name: string): Promise<unknown> {
    return await this.values.get(name)
  }

  async getPeer (id: string): Promise<PeerRecord | undefined> {
    return await this.peers.get(id)
  }

  peerEntries (): AsyncIterable<[string, PeerRecord]> {
    return this.peers.iterator()
  }

  private decode (key: Uint8Array, bytes: Uint8Array): ChunkEntry | undefined {
    try {
      return decodeEntry(bytes)
    } catch (err) {
      log.extend('warn')('unreadable index entry %s: %s', Buffer.from(key).toString('hex'), (err as Error).message)
      return undefined
    }
  }

  /**
   * Applies `delta` to the in-memory ledger now, and queues `ops` to be written with the
   * ledger in one atomic batch. Concurrent commits are grouped into one batch, and batches
   * are written strictly one after another, so a later ledger value can never be
   * overwritten by an earlier one.
   */
  async commit (ops: IndexOp[], delta: Ledger): Promise<void> {
    this.ledger.chunks += delta.chunks
    this.ledger.bytes += delta.bytes
    const done = new Promise<void>((resolve, reject) => { this.queue.push({ ops, resolve, reject }) })
    this.flushing ??= this.flush().finally(() => { this.flushing = null })
    await done
  }

  private async flush (): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue
      this.queue = []
      const batch = this.db.batch()
      for (const { ops } of group) this.add(batch, ops)
      batch.put('ledger', { ...this.ledger }, { sublevel: this.meta })
      try {
        await batch.write({ sync: this.syncWrites })
        for (const commit of group) commit.resolve()
      } catch (err: any) {
        this.needsReconcile = true
        log('index write failed; next start will reconcile: %s', err.message)
        for (const commit of group) commit.reject(err)
      }
    }
  }

  private add (batch: ReturnType<Level<string, any>['batch']>, ops: IndexOp[]): void {
    for (const op of ops) {
      switch (op.type) {
        case 'put': {
          batch.put(op.key, encodeEntry(op.entry), { sublevel: this.chunks })
          const before = op.previous === undefined ? null : collectAt(op.previous.leases, op.previous.pinned, op.previous.recovered)
          const after = collectAt(op.entry.leases, op.entry.pinned, op.entry.recovered)
          if (before === after) break
          if (before !== null) batch.del(expiryKey(before, op.key), { sublevel: this.expiry })
          if (after !== null) batch.put(expiryKey(after, op.key), NOTHING, { sublevel: this.expiry })
          break
        }
        case 'del': {
          batch.del(op.key, { sublevel: this.chunks })
          const at = op.entry === undefined ? null : collectAt(op.entry.leases, op.entry.pinned, op.entry.recovered)
          if (at !== null) batch.del(expiryKey(at, op.key), { sublevel: this.expiry })
          break
        }
        case 'unexpire':
          batch.del(expiryKey(op.at, op.key), { sublevel: this.expiry })
          break
        case 'peer':
          batch.put(op.id, op.record, { sublevel: this.peers })
          break
        case 'meta':
          if (op.value === undefined) batch.del(op.name, { sublevel: this.values })
          else batch.put(op.name, op.value, { sublevel: this.values })
          break
      }
    }
  }

  /** Waits until every queued commit has been written. */
  async drain (): Promise<void> {
    while (this.flushing != null) await this.flushing
  }

  /** Writes recovery fixes directly (start only, nothing else is running). */
  async write (ops: IndexOp[]): Promise<void> {
    const batch = this.db.batch()
    this.add(batch, ops)
    await batch.write({ sync: false })
  }

  /**
   * Marks the index as in use: from now until markClean, a crash means the next start
   * must reconcile. Synced, so it is on disk before any blob of this run can be.
   */
  async markOpen (): Promise<void> {
    const batch = this.db.batch()
    batch.put('version', SCHEMA_VERSION, { sublevel: this.meta })
    batch.put('ledger', { ...this.ledger }, { sublevel: this.meta })
    batch.del('clean', { sublevel: this.meta })
    await batch.write({ sync: true })
  }

  /**
   * Records a clean shutdown, once every earlier unsynced write is durable. A synced
   * write fsyncs only leveldb's current log; when the memtable filled, the previous log
   * was closed without an fsync and stays undurable until a background compaction has
   * written its memtable to a (synced) table. So the memtable is flushed first: after
   * that every entry is in a synced table or the current log, and the synced marker
   * write covers the log.
   */
  async markClean (): Promise<void> {
    await this.flushMemtable()
    const batch = this.db.batch()
    batch.put('ledger', { ...this.ledger }, { sublevel: this.meta })
    batch.put('clean', { at: Date.now() }, { sublevel: this.meta })
    await batch.write({ sync: true })
  }

  /**
   * leveldb's CompactRange flushes the memtable to a table and waits for it before it
   * compacts the range; a range beyond every key ('\xff…', all our keys start '!') makes
   * the compaction itself a no-op. `level` types only the portable API, but in Node the
   * database is always classic-level, which has compactRange.
   */
  private async flushMemtable (): Promise<void> {
    const db = this.db as unknown as { compactRange?: (start: string, end: string) => Promise<void> }
    if (typeof db.compactRange !== 'function') throw new Error('level backend cannot flush its memtable')
    await db.compactRange('\xff\xff', '\xff\xff\xff')
  }

  async close (): Promise<void> {
    await this.db.close()
  }
}

/** An expiry as its key holds it: whole ms, 0 … 2^53 − 1. */
export function expiryMs (at: number): number {
  return Math.min(Math.max(0, Math.floor(at)), Number.MAX_SAFE_INTEGER)
}

/** 8-byte big-endian expiry ‖ the chunk key: keys sort by expiry. */
function expiryKey (at: number, key: Uint8Array): Uint8Array {
  const ms = expiryMs(at)
  const out = new Uint8Array(8 + key.byteLength)
  const view = new DataView(out.buffer)
  view.setUint32(0, Math.floor(ms / 2 ** 32))
  view.setUint32(4, ms % 2 ** 32)
  out.set(key, 8)
  return out
}

function readExpiry (key: Uint8Array): number {
  const view = new DataView(key.buffer, key.byteOffset, 8)
  return view.getUint32(0) * 2 ** 32 + view.getUint32(4)
}
