// The floor of a durable encrypted put on this machine: the least work the bar's own
// words require ("hash every byte twice and encrypt it once", "durable writes", "process
// start included"), with nothing of Shoal's around it. Read the file into reused 1 MiB
// buffers; per piece: sha256 (the key), ChaCha20-Poly1305 in 64 KiB slices with sha256 of
// the ciphertext alongside (the address) on one worker thread while the main thread seals
// whatever the worker has no room for; then a file per piece written, fdatasync'd, renamed
// and its directory fsync'd. No chunker, no compression check, no index, no manifest, no
// CLI. Shoal's put does all of this and more, so it cannot beat it. The depths are the
// best of a sweep on 2026-11-26 (worker queue 2/3/4, pieces in flight 6/8/10/12, one or
// two workers, 8 interleaved runs each): worker queue 4 and 10 pieces in flight, one
// worker; two workers were no faster.
//
// With --io-only there is no crypto at all: the file's pieces are written as they are,
// durably, the same way. That is the durable-writes part of the floor alone.
//
//   node floor-put.js [--io-only] FILE DIR
import { createCipheriv, createHash } from 'node:crypto'
import { mkdir, open, rename } from 'node:fs/promises'
import { isMainThread, parentPort, Worker } from 'node:worker_threads'

const PIECE = 1024 * 1024
const SLICE = 64 * 1024
const TAG = 16
const IN_FLIGHT = 10
const WORKER_QUEUE = 4

interface Sealed { out: Uint8Array, digest: string }
interface Job { id: number, plain: ArrayBuffer, length: number, out: ArrayBuffer }
interface Reply { id: number, plain: ArrayBuffer, out: ArrayBuffer, length: number, digest: string }

function seal (plain: Uint8Array, memory: Uint8Array): Sealed {
  const key = createHash('sha256').update(plain).digest()
  const cipher = createCipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: TAG })
  const address = createHash('sha256')
  const out = memory.subarray(0, plain.byteLength + TAG)
  let written = 0
  for (let offset = 0; offset < plain.byteLength; offset += SLICE) {
    const piece = cipher.update(plain.subarray(offset, offset + SLICE))
    out.set(piece, written)
    address.update(piece)
    written += piece.byteLength
  }
  cipher.final()
  const tag = cipher.getAuthTag()
  out.set(tag, written)
  address.update(tag)
  return { out, digest: address.digest('hex') }
}

async function main (file: string, dir: string, ioOnly: boolean): Promise<void> {
  await mkdir(dir, { recursive: true })
  const free: Uint8Array[] = []
  const take = (): Uint8Array => free.pop() ?? new Uint8Array(PIECE + TAG)
  const worker = ioOnly ? undefined : new Worker(new URL(import.meta.url))
  const waiting = new Map<number, (reply: Reply) => void>()
  worker?.on('message', (reply: Reply) => waiting.get(reply.id)?.(reply))
  let queued = 0
  let nextId = 0

  const sealPiece = async (plain: Uint8Array): Promise<Sealed> => {
    const memory = take()
    if (worker !== undefined && queued < WORKER_QUEUE) {
      queued++
      const id = nextId++
      const job: Job = { id, plain: plain.buffer as ArrayBuffer, length: plain.byteLength, out: memory.buffer as ArrayBuffer }
      const reply = await new Promise<Reply>(resolve => {
        waiting.set(id, resolve)
        worker.postMessage(job, [job.plain, job.out])
      })
      waiting.delete(id)
      queued--
      free.push(new Uint8Array(reply.plain))
      return { out: new Uint8Array(reply.out, 0, reply.length), digest: reply.digest }
    }
    await new Promise(resolve => setImmediate(resolve))
    const sealed = seal(plain, memory)
    free.push(new Uint8Array(plain.buffer))
    return sealed
  }

  const store = async ({ out, digest }: Sealed): Promise<void> => {
    const tmp = `${dir}/${digest}.tmp`
    const handle = await open(tmp, 'wx')
    try {
      await handle.write(out, 0, out.byteLength, 0)
      await handle.datasync()
    } finally {
      await handle.close()
    }
    await rename(tmp, `${dir}/${digest}`)
    const directory = await open(dir, 'r')
    try { await directory.sync() } finally { await directory.close() }
    free.push(new Uint8Array(out.buffer))
  }

  const input = await open(file, 'r')
  const running = new Set<Promise<void>>()
  let count = 0
  try {
    for (;;) {
      const buffer = take()
      const { bytesRead } = await input.read(buffer, 0, PIECE, null)
      if (bytesRead === 0) break
      const piece = buffer.subarray(0, bytesRead)
      const sealed = ioOnly ? Promise.resolve({ out: piece, digest: String(count) }) : sealPiece(piece)
      count++
      const task: Promise<void> = sealed.then(store).finally(() => running.delete(task))
      running.add(task)
      while (running.size >= IN_FLIGHT) await Promise.race(running)
    }
    await Promise.all(running)
  } finally {
    await input.close()
    await worker?.terminate()
  }
}

if (isMainThread) {
  const args = process.argv.slice(2)
  const ioOnly = args[0] === '--io-only'
  const [file, dir] = ioOnly ? args.slice(1) : args
  if (file === undefined || dir === undefined) {
    console.error('usage: floor-put [--io-only] FILE DIR')
    process.exit(2)
  }
  await main(file, dir, ioOnly)
} else {
  const port = parentPort
  port?.on('message', (job: Job) => {
    const { out, digest } = seal(new Uint8Array(job.plain, 0, job.length), new Uint8Array(job.out))
    const reply: Reply = { id: job.id, plain: job.plain, out: job.out, length: out.byteLength, digest }
    port.postMessage(reply, [job.plain, job.out])
  })
}
