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
  return await withSealer(options, async sealer => await putPath(path, sink, sealer, options, true))
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

async function putPath (path: string, sink: ChunkSink, sealer: Sealer, options: PutOptions, top: boolean): Promise<PutResult> {
  const info = top ? await stat(path) : await lstat(path)
  // `shoal put .` or `/`: the resolved name, and none at all for the root.
  const name = basename(resolve(path))
  const meta = { ...(name !== '' ? { name } : {}), mode: info.mode & 0o7777, mtime: Math.floor(info.mtimeMs) }
  if (info.isFile()) {
    // The chunker reads the file straight into its window (no copy of each read on this
    // thread, which is a put's busiest).
    const handle = await open(path, 'r')
    try {
      const reader: ByteReader = { read: async into => (await handle.read(into, 0, into.byteLength, null)).bytesRead }
      return await putContent(reader, sink, sealer, { ...options, ...meta, size: info.size })
    } finally {
      await handle.close()
    }
  }
  if (!info.isDirectory()) throw new UnsupportedFileTypeError(path)
  const entries: DirectoryEntry[] = []
  const totals = { size: 0, chunks: 0, newChunks: 0, storedBytes: 0 }
  const names = (await readdir(path)).sort()
  for (const name of names) {
    const child = join(path, name)
    const kind = await lstat(child)
    if (!kind.isFile() && !kind.isDirectory()) continue // symlinks, sockets, devices: not content
    const result = await putPath(child, sink, sealer, { ...options, onProgress: undefined }, false)
    entries.push({ name, type: kind.isDirectory() ? 'directory' : 'file', size: result.size, capability: result.capability })
    totals.size += result.size
    totals.chunks += result.chunks
    totals.newChunks += result.newChunks
    totals.storedBytes += result.storedBytes
    options.onProgress?.({ bytes: totals.size })
  }
  return await finish({ version: 1, type: 'directory', ...meta, entries }, totals, sink, sealer, options)
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
