import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { DEFAULT_CHUNKER_OPTIONS } from '@shoal/chunker'
import { TAG_BYTES } from '@shoal/crypto'
import { BufferPool } from './buffer-pool.js'
import { sealChunk, type SealedChunk } from './seal.js'

export interface SealJob { id: number, plain: ArrayBuffer, length: number, out?: ArrayBuffer }
export interface SealReply { id: number, plain: ArrayBuffer, chunk?: SealedChunk, error?: string }
/** A worker's first message: it has loaded and takes jobs. */
export interface ReadyMessage { ready: true }

export interface Sealer {
  /** Memory for a chunk's plaintext, from the sealer's pool. */
  allocate (length: number): Uint8Array
  /** Seals a chunk; takes ownership of `plaintext` (its memory is recycled). */
  seal (plaintext: Uint8Array): Promise<SealedChunk>
  /** Gives a sealed chunk's memory back once the sink is done with it. */
  release (chunk: SealedChunk): void
  close (): Promise<void>
}

export interface SealerInit {
  convergenceSecret: Uint8Array
  compress: boolean
  /** 0 seals on the calling thread. Default: defaultWorkers(). */
  workers?: number
  /** Idle buffers kept for reuse (default 12: 6 chunks in flight, each with plaintext and sealed bytes). */
  keep?: number
}

/**
 * One worker per core but one: the calling thread has its own steady work (chunking,
 * I/O, the sink), and a worker per core used more memory for no gain end to end
 * (bench/README.md, "Seal workers").
 */
export function defaultWorkers (): number {
  return Math.max(1, availableParallelism() - 1)
}

/** Pooled buffers hold the largest sealed chunk of the default chunker. */
const CAPACITY = DEFAULT_CHUNKER_OPTIONS.maxSize + TAG_BYTES

export function createSealer (init: SealerInit): Sealer {
  const workers = init.workers ?? defaultWorkers()
  const pool = new BufferPool(CAPACITY, init.keep ?? 12)
  if (workers <= 0) {
    return {
      allocate: length => pool.take(length),
      seal: async plaintext => {
        const chunk = sealChunk(plaintext, init.convergenceSecret, { compress: init.compress, allocate: length => pool.take(length) })
        pool.give(plaintext.buffer)
        return chunk
      },
      release: chunk => pool.give(chunk.sealed.buffer),
      close: async () => {}
    }
  }
  return new SealPool(workers, init, pool)
}

/** Jobs a worker holds at once: one running, one queued so it never waits for the next. */
const QUEUE_DEPTH = 2

interface Pending { resolve: (c: SealedChunk) => void, reject: (e: Error) => void }
interface Slot { worker: Worker, pending: Map<number, Pending>, ready: boolean }

/**
 * Spreads sealing over worker threads: hashing, compression and encryption are CPU-bound.
 * The calling thread seals whatever no worker has room for: until a worker has loaded
 * (bench/README.md, "Seal workers"), so small puts never wait for workers, and whenever
 * all workers are busy, so the calling thread's spare time is used too.
 */
class SealPool implements Sealer {
  private readonly slots: Slot[] = []
  private nextId = 0
  private failure: Error | undefined

  constructor (count: number, private readonly init: SealerInit, private readonly pool: BufferPool) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL('./seal-worker.js', import.meta.url), {
        workerData: { convergenceSecret: init.convergenceSecret, compress: init.compress },
        // A worker allocates little on its heap (its big buffers are external), but V8
        // would still grow its young generation to the default tens of MiB.
        resourceLimits: { maxYoungGenerationSizeMb: 4 }
      })
      const slot: Slot = { worker, pending: new Map(), ready: false }
      worker.on('message', (reply: SealReply | ReadyMessage) => {
        if ('ready' in reply) {
          slot.ready = true
          return
        }
        this.pool.give(reply.plain)
        const job = slot.pending.get(reply.id)
        if (job == null) return
        slot.pending.delete(reply.id)
        if (reply.chunk != null) job.resolve(reply.chunk)
        else job.reject(new Error(reply.error ?? 'seal failed'))
      })
      worker.on('error', err => this.fail(slot, err))
      worker.on('exit', code => { if (slot.pending.size > 0) this.fail(slot, new Error(`seal worker exited with code ${code}`)) })
      this.slots.push(slot)
    }
  }

  allocate (length: number): Uint8Array {
    return this.pool.take(length)
  }

  async seal (plaintext: Uint8Array): Promise<SealedChunk> {
    if (this.failure != null) throw this.failure
    let slot = this.readySlot()
    if (slot === undefined) {
      // A source that never waits on I/O would keep us in microtasks, and the workers'
      // messages (macrotasks: ready, replies) would never be seen: let the event loop turn.
      await nextTurn()
      slot = this.readySlot()
    }
    if (slot === undefined) {
      // No worker free (or none loaded yet): the calling thread seals this one itself,
      // so every core works; on two cores that is one worker plus this thread.
      const chunk = sealChunk(plaintext, this.init.convergenceSecret, { compress: this.init.compress, allocate: length => this.pool.take(length) })
      this.pool.give(plaintext.buffer)
      return chunk
    }
    const target = slot
    const id = this.nextId++
    // Transferring moves the whole ArrayBuffer: only do that with memory this chunk owns.
    const owned = plaintext.byteOffset === 0 && plaintext.buffer instanceof ArrayBuffer
    const plain = owned ? plaintext.buffer as ArrayBuffer : new Uint8Array(plaintext).buffer
    const out = this.pool.take(plaintext.byteLength + TAG_BYTES).buffer as ArrayBuffer
    const job: SealJob = { id, plain, length: plaintext.byteLength, out }
    return await new Promise<SealedChunk>((resolve, reject) => {
      target.pending.set(id, { resolve, reject })
      target.worker.postMessage(job, [plain, out])
    })
  }

  /** The least busy loaded worker with room in its queue; ties go to the first. */
  private readySlot (): Slot | undefined {
    let slot: Slot | undefined
    for (const s of this.slots) {
      if (s.ready && s.pending.size < QUEUE_DEPTH && (slot === undefined || s.pending.size < slot.pending.size)) slot = s
    }
    return slot
  }

  release (chunk: SealedChunk): void {
    this.pool.give(chunk.sealed.buffer)
  }

  async close (): Promise<void> {
    await Promise.all(this.slots.map(async s => await s.worker.terminate()))
  }

  private fail (slot: Slot, err: Error): void {
    this.failure ??= err
    for (const job of slot.pending.values()) job.reject(err)
    slot.pending.clear()
  }
}
