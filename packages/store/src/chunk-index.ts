import { Level } from 'level'
import debug from 'debug'
import { StoreLockedError } from './errors.js'

const log = debug('shoal:store:index')

/** What the index knows about a held chunk. Later fields are optional by design. */
export interface ChunkEntry {
  /** bytes of the blob file */
  size: number
  /** ms since the epoch */
  storedAt: number
  /** ms since the epoch of the last audit this node answered or ran, when known */
  lastAudit?: number
  /** why this node holds the chunk (e.g. 'closest', 'repair', 'pinned'), when known */
  heldFor?: string
}

export interface Ledger { chunks: number, bytes: number }

export type IndexOp =
  | { type: 'put', key: Uint8Array, entry: ChunkEntry }
  | { type: 'del', key: Uint8Array }

interface PendingCommit { ops: IndexOp[], resolve: () => void, reject: (err: Error) => void }

const SCHEMA_VERSION = 1

/**
 * The level database beside the blobs: one entry per held chunk, the space ledger, and
 * the clean-shutdown marker. It owns the in-memory ledger so that every change to it
 * goes out in the same atomic batch as the entries that caused it.
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
  private readonly meta
  private queue: PendingCommit[] = []
  private flushing: Promise<void> | null = null

  private constructor (db: Level<string, any>, private readonly syncWrites: boolean) {
    this.db = db
    this.chunks = db.sublevel<Uint8Array, ChunkEntry>('chunks', { keyEncoding: 'view', valueEncoding: 'json' })
    this.meta = db.sublevel<string, any>('meta', { valueEncoding: 'json' })
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
  async readState (): Promise<{ clean: boolean }> {
    const [version, clean, ledger] = await this.meta.getMany(['version', 'clean', 'ledger'])
    if (version != null && version > SCHEMA_VERSION) {
      throw new Error(`vault index schema ${String(version)} is newer than this software (${SCHEMA_VERSION})`)
    }
    if (ledger != null) {
      this.ledger.chunks = ledger.chunks
      this.ledger.bytes = ledger.bytes
    }
    return { clean: clean != null && ledger != null && version === SCHEMA_VERSION }
  }

  async get (key: Uint8Array): Promise<ChunkEntry | undefined> {
    return await this.chunks.get(key)
  }

  async has (key: Uint8Array): Promise<boolean> {
    return await this.chunks.has(key)
  }

  keys (): AsyncIterable<Uint8Array> {
    return this.chunks.keys()
  }

  entries (): AsyncIterable<[Uint8Array, ChunkEntry]> {
    return this.chunks.iterator()
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
      if (op.type === 'put') batch.put(op.key, op.entry, { sublevel: this.chunks })
      else batch.del(op.key, { sublevel: this.chunks })
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
