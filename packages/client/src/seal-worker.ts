// Runs sealChunk off the main thread. One job at a time; the pool keeps each worker busy.
import { parentPort, workerData } from 'node:worker_threads'
import { sealChunk } from './seal.js'
import type { SealJob, SealReply } from './seal-pool.js'

const { convergenceSecret, compress } = workerData as { convergenceSecret: Uint8Array, compress: boolean }
const port = parentPort
if (port == null) throw new Error('seal-worker must run as a worker thread')

port.on('message', (job: SealJob) => {
  let reply: SealReply
  try {
    const plaintext = new Uint8Array(job.buffer, job.byteOffset, job.byteLength)
    const chunk = sealChunk(plaintext, convergenceSecret, { compress })
    reply = { id: job.id, chunk: { ...chunk, sealed: ownedCopyIfShared(chunk.sealed) } }
  } catch (err) {
    reply = { id: job.id, error: (err as Error).message }
  }
  const transfer = reply.chunk != null ? [reply.chunk.sealed.buffer as ArrayBuffer] : []
  port.postMessage(reply, transfer)
})

// A Buffer from node's pool shares its ArrayBuffer with unrelated buffers: never transfer that.
function ownedCopyIfShared (bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes
  return new Uint8Array(bytes)
}
