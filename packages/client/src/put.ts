import type { Stats } from 'node:fs'
import { lstat, open, readdir, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { ByteReader } from '@shoal/chunker'
import { formatCapability, type DirectoryEntry, type FileManifest, type Manifest } from '@shoal/manifest'
import { writeContent } from './content.js'
import { storeManifest } from './manifest-io.js'
import { createSealer, type Sealer } from './seal-pool.js'
import type { ChunkSink, PutOptions, PutResult } from './types.js'

/** Puts a byte stream: chunk → compress → encrypt → address → sink, then its manifest. */
export async function putStream (source: AsyncIterable<Uint8Array>, sink: ChunkSink, options: PutOptions): Promise<PutResult> {
  return await withSealer(options, async sealer => await putContent(source, sink, sealer, options))
}

/** Puts a file or, recursively, a directory. */
export async function put (path: string, sink: ChunkSink, options: PutOptions): Promise<PutResult> {
  return await withSealer(options, async sealer => await putEntry(path, await stat(path), sink, sealer, options, new Permits(FILES_AT_ONCE), false))
}

async function withSealer<T> (options: PutOptions, fn: (sealer: Sealer) => Promise<T>): Promise<T> {
  if (options.sealer !== undefined) return await fn(options.sealer)
  const sealer = createSealer({ convergenceSecret: options.convergenceSecret, compress: options.compress ?? true, workers: options.workers })
  try {
    return await fn(sealer)
  } finally {
    await sealer.close()
  }
}

async function putContent (source: AsyncIterable<Uint8Array> | ByteReader, sink: ChunkSink, sealer: Sealer, options: PutOptions): Promise<PutResult> {
  const content = await writeContent(source, { sink, sealer, chunker: options.chunker, total: options.size, onProgress: options.onProgress, signal: options.signal })
  const manifest: FileManifest = {
    version: 1,
    type: 'file',
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.mode !== undefined ? { mode: options.mode } : {}),
    ...(options.mtime !== undefined ? { mtime: options.mtime } : {}),
    size: content.size,
    chunks: content.chunks,
    redundancy: { scheme: 'replicate', replicas: options.replicas ?? 3 }
  }
  return await finish(manifest, { ...content, chunks: content.chunks.length }, sink, sealer, options)
}

async function finish (manifest: Manifest, counts: Omit<PutResult, 'capability' | 'uri'>, sink: ChunkSink, sealer: Sealer, options: PutOptions): Promise<PutResult> {
  const stored = await storeManifest(manifest, { sink, sealer, convergenceSecret: options.convergenceSecret, signal: options.signal })
  return {
    capability: stored.capability,
    uri: formatCapability(stored.capability),
    size: counts.size,
    chunks: counts.chunks,
    newChunks: counts.newChunks + stored.newChunks,
    storedBytes: counts.storedBytes + stored.storedBytes
  }
}

/**
 * Files of a directory put at once, at most. A small file costs a few fsyncs and little
 * CPU, so one at a time leaves the machine waiting for the disk (500 files of ~4 KiB:
 * 5.2 s, the main thread idle two thirds of it); concurrent fsyncs share journal commits.
 */
export const FILES_AT_ONCE = 8

/**
 * A file takes a permit per started MiB, at most all FILES_AT_ONCE: about 8 MiB of files
 * are in the pipeline at once, so a directory of small files goes 8 at a time while a
 * big file, whose own chunk pipeline keeps the cores busy, goes alone (each file being
 * put holds a chunker window and chunk buffers).
 */
const PERMIT_BYTES = 1024 * 1024

/**
 * Puts a file or, recursively, a directory. The files of a directory share `permits`: a
 * small one takes one, a big one all of them. Entries are listed in name order whatever
 * order they finish in, so the same tree always gives the same manifest.
 */
async function putEntry (path: string, info: Stats, sink: ChunkSink, sealer: Sealer, options: PutOptions, permits: Permits, inDirectory: boolean): Promise<PutResult> {
  // `shoal put .` or `/`: the resolved name, and none at all for the root.
  const name = basename(resolve(path))
  const meta = { ...(name !== '' ? { name } : {}), mode: info.mode & 0o7777, mtime: Math.floor(info.mtimeMs) }
  if (info.isFile()) {
    const weight = inDirectory ? Math.min(permits.total, Math.max(1, Math.ceil(info.size / PERMIT_BYTES))) : 0
    await permits.acquire(weight, options.signal)
    try {
      return await putFile(path, sink, sealer, { ...options, ...meta, size: info.size })
    } finally {
      permits.release(weight)
    }
  }
  if (!info.isDirectory()) throw new UnsupportedFileTypeError(path)
  const names = (await readdir(path)).sort()
  const entries: Array<DirectoryEntry | undefined> = new Array(names.length)
  const totals = { size: 0, chunks: 0, newChunks: 0, storedBytes: 0 }
  let next = 0
  let failure: { error: unknown } | undefined
  const worker = async (): Promise<void> => {
    while (next < names.length && failure === undefined) {
      const index = next++
      const child = join(path, names[index])
      try {
        const kind = await lstat(child)
        if (!kind.isFile() && !kind.isDirectory()) continue // symlinks, sockets, devices: not content
        const result = await putEntry(child, kind, sink, sealer, { ...options, onProgress: undefined }, permits, true)
        entries[index] = { name: names[index], type: kind.isDirectory() ? 'directory' : 'file', size: result.size, capability: result.capability }
        totals.size += result.size
        totals.chunks += result.chunks
        totals.newChunks += result.newChunks
        totals.storedBytes += result.storedBytes
        options.onProgress?.({ bytes: totals.size })
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(FILES_AT_ONCE, names.length) }, worker))
  if (failure !== undefined) throw failure.error
  const listed = entries.filter((e): e is DirectoryEntry => e !== undefined)
  return await finish({ version: 1, type: 'directory', ...meta, entries: listed }, totals, sink, sealer, options)
}

async function putFile (path: string, sink: ChunkSink, sealer: Sealer, options: PutOptions): Promise<PutResult> {
  // The chunker reads the file straight into its window (no copy of each read on this
  // thread, which is a put's busiest).
  const handle = await open(path, 'r')
  try {
    const reader: ByteReader = { read: async into => (await handle.read(into, 0, into.byteLength, null)).bytesRead }
    return await putContent(reader, sink, sealer, options)
  } finally {
    await handle.close()
  }
}

/** A counted lock: `acquire(n)` waits, in arrival order, until n of `total` permits are free. */
class Permits {
  private free: number
  private readonly queue: Array<{ n: number, grant: () => void }> = []

  constructor (readonly total: number) {
    this.free = total
  }

  async acquire (n: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    if (n === 0) return
    if (this.queue.length === 0 && this.free >= n) {
      this.free -= n
      return
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = { n, grant: () => { signal?.removeEventListener('abort', onAbort); resolve() } }
      const onAbort = (): void => {
        const i = this.queue.indexOf(waiter)
        if (i >= 0) this.queue.splice(i, 1)
        this.wake()
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.queue.push(waiter)
    })
  }

  release (n: number): void {
    this.free += n
    this.wake()
  }

  private wake (): void {
    while (this.queue.length > 0 && this.free >= this.queue[0].n) {
      const waiter = this.queue.shift()!
      this.free -= waiter.n
      waiter.grant()
    }
  }
}

/** Only regular files and directories are stored. */
export class UnsupportedFileTypeError extends Error {
  static readonly code = 'ERR_UNSUPPORTED_FILE_TYPE'
  readonly code = UnsupportedFileTypeError.code
  override name = 'UnsupportedFileTypeError'
  constructor (readonly path: string) {
    super(`${path}: not a regular file or directory`)
  }
}
