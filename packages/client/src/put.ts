import type { Stats } from 'node:fs'
import { lstat, open, readdir, readlink, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { ByteReader } from '@shoal/chunker'
import { directoryVersion, fileVersion, formatCapability, linkTargetProblem, type DirectoryEntry, type FileManifest, type Manifest, type Redundancy } from '@shoal/manifest'
import type { ReplicateTarget } from '@shoal/protocol'
import { writeContent } from './content.js'
import { storeManifest } from './manifest-io.js'
import { eachAtOnce, FILES_AT_ONCE, fileWeight, Permits } from './permits.js'
import { createSealer, type Sealer } from './seal-pool.js'
import type { ChunkSink, PutOptions, PutResult } from './types.js'

/**
 * Puts a byte stream: chunk → compress → encrypt → address → sink, then its manifest. A
 * ByteReader (a file handle's read) lets the chunker read straight into its window.
 */
export async function putStream (source: AsyncIterable<Uint8Array> | ByteReader, sink: ChunkSink, options: PutOptions): Promise<PutResult> {
  return await withSealer(options, async sealer => await putContent(source, sink, sealer, options))
}

/**
 * A file smaller than this is sealed on the calling thread unless `workers` says
 * otherwise: while a worker loads, this thread seals more than such a file holds
 * (bench/README.md, "Inline sealing").
 */
export const INLINE_BELOW = 8 * 1024 * 1024

/**
 * Puts a file or, recursively, a directory: symbolic links inside are stored as links
 * (never followed); sockets, devices and FIFOs are skipped and reported to `onSkipped`.
 */
export async function put (path: string, sink: ChunkSink, options: PutOptions): Promise<PutResult> {
  const info = await stat(path)
  const workers = options.workers ?? (info.isFile() && info.size < INLINE_BELOW ? 0 : undefined)
  return await withSealer({ ...options, workers }, async sealer => await putEntry(path, info, { sink, sealer, permits: new Permits() }, options, false))
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

/** How a put keeps its files: `redundancy`, else `replicas` copies (default 3). */
function redundancyOf (options: PutOptions): Redundancy {
  return options.redundancy ?? { scheme: 'replicate', replicas: options.replicas ?? 3 }
}

/**
 * The target of a data chunk's put: only when the caller chose one, so that a sink made
 * for some number of replicas keeps it otherwise.
 */
function chunkTarget (options: PutOptions): ReplicateTarget | undefined {
  return options.redundancy?.scheme === 'replicate' ? options.redundancy : undefined
}

/**
 * Manifest blocks are replicated even for an erasure-coded file: they are small and every
 * read needs them (docs/durability.md, "Placement of a stripe").
 */
function manifestTarget (options: PutOptions): ReplicateTarget | undefined {
  const redundancy = options.redundancy
  if (redundancy?.scheme === 'erasure') return { scheme: 'replicate', replicas: Math.max(3, redundancy.m + 1) }
  return chunkTarget(options)
}

async function putContent (source: AsyncIterable<Uint8Array> | ByteReader, sink: ChunkSink, sealer: Sealer, options: PutOptions): Promise<PutResult> {
  const redundancy = redundancyOf(options)
  const target = chunkTarget(options)
  const content = await writeContent(source, {
    sink,
    sealer,
    chunker: options.chunker,
    total: options.size,
    onProgress: options.onProgress,
    signal: options.signal,
    ...(target !== undefined ? { target } : {}),
    ...(redundancy.scheme === 'erasure' ? { erasure: redundancy } : {})
  })
  const manifest: FileManifest = {
    version: fileVersion(redundancy),
    type: 'file',
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.mode !== undefined ? { mode: options.mode } : {}),
    ...(options.mtime !== undefined ? { mtime: options.mtime } : {}),
    size: content.size,
    chunks: content.chunks,
    redundancy,
    ...(content.stripes !== undefined ? { stripes: content.stripes } : {})
  }
  return await finish(manifest, { ...content, chunks: content.chunks.length, manifests: 0 }, sink, sealer, options)
}

async function finish (manifest: Manifest, counts: Omit<PutResult, 'capability' | 'uri'>, sink: ChunkSink, sealer: Sealer, options: PutOptions): Promise<PutResult> {
  const target = manifestTarget(options)
  const stored = await storeManifest(manifest, { sink, sealer, convergenceSecret: options.convergenceSecret, signal: options.signal, ...(target !== undefined ? { target } : {}) })
  return {
    capability: stored.capability,
    uri: formatCapability(stored.capability),
    size: counts.size,
    chunks: counts.chunks,
    manifests: counts.manifests + stored.blocks,
    newChunks: counts.newChunks + stored.newChunks,
    storedBytes: counts.storedBytes + stored.storedBytes
  }
}

/** What every entry of one put shares. */
interface Walk { sink: ChunkSink, sealer: Sealer, permits: Permits }

/**
 * Puts a file or, recursively, a directory. The files of a directory share the walk's
 * permits: a small one takes one, a big one all of them. Entries are listed in name order
 * whatever order they finish in, so the same tree always gives the same manifest.
 */
async function putEntry (path: string, info: Stats, walk: Walk, options: PutOptions, inDirectory: boolean): Promise<PutResult> {
  const { sink, sealer, permits } = walk
  // `shoal put .` or `/`: the resolved name, and none at all for the root.
  const name = basename(resolve(path))
  const meta = { ...(name !== '' ? { name } : {}), mode: info.mode & 0o7777, mtime: Math.floor(info.mtimeMs) }
  if (info.isFile()) {
    const weight = inDirectory ? fileWeight(info.size, permits) : 0
    return await permits.run(weight, async () => await putFile(path, sink, sealer, { ...options, ...meta, size: info.size }), options.signal)
  }
  if (!info.isDirectory()) throw new UnsupportedFileTypeError(path)
  const names = (await readdir(path)).sort()
  const entries: Array<DirectoryEntry | undefined> = new Array(names.length)
  const totals = { size: 0, chunks: 0, manifests: 0, newChunks: 0, storedBytes: 0 }
  await eachAtOnce(names, FILES_AT_ONCE, async (name, index) => {
    const child = join(path, name)
    const kind = await lstat(child)
    if (kind.isSymbolicLink()) {
      const target = await linkTarget(child)
      if (target !== undefined) entries[index] = { name, type: 'symlink', target }
      else options.onSkipped?.(child, 'link target is not UTF-8 text a manifest can hold')
      return
    }
    if (!kind.isFile() && !kind.isDirectory()) {
      options.onSkipped?.(child, 'not a file, directory or symbolic link')
      return
    }
    const result = await putEntry(child, kind, walk, { ...options, onProgress: undefined }, true)
    entries[index] = { name, type: kind.isDirectory() ? 'directory' : 'file', size: result.size, capability: result.capability }
    totals.size += result.size
    totals.chunks += result.chunks
    totals.manifests += result.manifests
    totals.newChunks += result.newChunks
    totals.storedBytes += result.storedBytes
    options.onProgress?.({ bytes: totals.size })
  })
  const listed = entries.filter((e): e is DirectoryEntry => e !== undefined)
  return await finish({ version: directoryVersion(listed), type: 'directory', ...meta, entries: listed }, totals, sink, sealer, options)
}

/** A link's target as its bytes say, or undefined when a manifest cannot hold them (not UTF-8, too long). */
export async function linkTarget (path: string): Promise<string | undefined> {
  const bytes = await readlink(path, { encoding: 'buffer' })
  let target: string
  try {
    target = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
  return linkTargetProblem(target) === undefined ? target : undefined
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

/** Only regular files and directories are stored. */
export class UnsupportedFileTypeError extends Error {
  static readonly code = 'ERR_UNSUPPORTED_FILE_TYPE'
  readonly code = UnsupportedFileTypeError.code
  override name = 'UnsupportedFileTypeError'
  constructor (readonly path: string) {
    super(`${path}: not a regular file or directory`)
  }
}
