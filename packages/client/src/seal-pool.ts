import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { sealChunk, type SealedChunk } from './seal.js'

export interface SealJob { id: number, buffer: ArrayBuffer, byteOffset: number, byteLength: number }
export interface SealReply { id: number, chunk?: SealedChunk, error?: string }

export interface Sealer {
  /** Seals a chunk; takes ownership of `plaintext` (its memory may be transferred away). */
  seal (plaintext: Uint8Array): Promise<SealedChunk>
  close (): Promise<void>
}

export interface SealerInit {
  convergenceSecret: Uint8Array
  compress: boolean
  /** 0 seals on the calling thread. Default: one worker per core. */
  workers?: number
}

export function defaultWorkers (): number {
  return availableParallelism()
}

export function createSealer (init: SealerInit): Sealer {
  const workers = init.workers ?? defaultWorkers()
  if (workers <= 0) {
    return {
      seal: async plaintext => sealChunk(plaintext, init.convergenceSecret, { compress: init.compress }),
      close: async () => {}
    }
  }
  return new SealPool(workers, init)
}

interface Pending { resolve: (c: SealedChunk) => void, reject: (e: Error) => void }

/** Spreads sealing over worker threads: hashing, compression and encryption are CPU-bound. */
class SealPool implements Sealer {
  private readonly workers: Array<{ worker: Worker, pending: Map<number, Pending> }> = []
  private nextId = 0
  private failure: Error | undefined

  constructor (count: number, init: SealerInit) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL('./seal-worker.js', import.meta.url), {
        workerData: { convergenceSecret: init.convergenceSecret, compress: init.compress }
      })
      const slot = { worker, pending: new Map<number, Pending>() }
      worker.on('message', (reply: SealReply) => {
        const job = slot.pending.get(reply.id)
        if (job == null) return
        slot.pending.delete(reply.id)
        if (reply.chunk != null) job.resolve(reply.chunk)
        else job.reject(new Error(reply.error ?? 'seal failed'))
      })
      worker.on('error', err => this.fail(slot, err))
      worker.on('exit', code => { if (slot.pending.size > 0) this.fail(slot, new Error(`seal worker exited with code ${code}`)) })
      this.workers.push(slot)
    }
  }

  async seal (plaintext: Uint8Array): Promise<SealedChunk> {
    if (this.failure != null) throw this.failure
    // The least busy worker gets the job; ties go to the first.
    let slot = this.workers[0]
    for (const s of this.workers) if (s.pending.size < slot.pending.size) slot = s
    const id = this.nextId++
    const owned = plaintext.byteOffset === 0 && plaintext.byteLength === plaintext.buffer.byteLength
    const bytes = owned ? plaintext : new Uint8Array(plaintext)
    const job: SealJob = { id, buffer: bytes.buffer as ArrayBuffer, byteOffset: 0, byteLength: bytes.byteLength }
    return await new Promise<SealedChunk>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject })
      slot.worker.postMessage(job, [job.buffer])
    })
  }

  async close (): Promise<void> {
    await Promise.all(this.workers.map(async s => await s.worker.terminate()))
  }

  private fail (slot: { pending: Map<number, Pending> }, err: Error): void {
    this.failure ??= err
    for (const job of slot.pending.values()) job.reject(err)
    slot.pending.clear()
  }
}
