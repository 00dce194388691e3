// Runs sealChunk off the main thread, one job at a time. Both buffers of a job (the
// plaintext and the memory for the sealed bytes) travel back with the reply, so the
// main thread can recycle them.
import { parentPort, workerData } from 'node:worker_threads'
import { sealChunk } from './seal.js'
import type { SealJob, SealReply } from './seal-pool.js'

const { convergenceSecret, compress } = workerData as { convergenceSecret: Uint8Array, compress: boolean }
const port = parentPort
if (port == null) throw new Error('seal-worker must run as a worker thread')

port.on('message', (job: SealJob) => {
  const transfer: ArrayBuffer[] = [job.plain]
  let reply: SealReply
  try {
    const plaintext = new Uint8Array(job.plain, 0, job.length)
    const chunk = sealChunk(plaintext, convergenceSecret, {
      compress,
      allocate: length => job.out !== undefined && job.out.byteLength >= length ? new Uint8Array(job.out, 0, length) : new Uint8Array(length)
    })
    transfer.push(chunk.sealed.buffer as ArrayBuffer)
    reply = { id: job.id, plain: job.plain, chunk }
  } catch (err) {
    reply = { id: job.id, plain: job.plain, error: (err as Error).message }
  }
  port.postMessage(reply, transfer)
})

port.postMessage({ ready: true })
