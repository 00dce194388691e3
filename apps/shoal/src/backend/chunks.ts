// The backend of a vault and of the network: this process seals and opens every chunk
// itself (@shoal/client) and only moves sealed chunks through a ChunkSink/ChunkSource.
import { open } from 'node:fs/promises'
import {
  createSealers, downloadFile, getStream, INLINE_BELOW, putStream, readManifest, storeManifest, WrongTypeError,
  type ChunkSink, type ChunkSource, type Sealer
} from '@shoal/client'
import { directoryVersion, formatCapability, parseCapability, type DirectoryEntry, type DirectoryManifest, type FileManifest, type Redundancy } from '@shoal/manifest'
import { convergenceSecret } from '../context.js'
import { entrySize, type AbortOptions, type Backend, type Entry, type Listing, type PutOptions, type Upkeep } from './backend.js'
import { isPrefixState, removeState } from './prefix-state.js'

/** Where a command's chunks go and come from. */
export interface Chunks {
  /** a sink that keeps `replicas` copies of each chunk under leases of `leaseMs` (a vault keeps one, unleased) */
  sink: (replicas: number, leaseMs?: number) => ChunkSink
  source: ChunkSource
  /** check, renew and rm (the network; a vault has no holders to ask) */
  upkeep?: Upkeep
  /** closes the vault or stops the client node */
  close: () => Promise<void>
}

export function chunkBackend (chunks: Chunks, init: { dataDir: string }): Backend {
  // one sealer (worker threads) for all the files and listings of a directory
  const sealers = createSealers()
  const sinks = new Map<string, ChunkSink>()
  const secrets = new Map<string, Promise<Uint8Array>>()
  // `get` lists a URI and then fetches it: the top manifest is loaded once
  let last: { uri: string, manifest: Promise<FileManifest | DirectoryManifest> } | undefined

  const secret = async (mode: 'user' | 'shared'): Promise<Uint8Array> => {
    let loading = secrets.get(mode)
    if (loading === undefined) {
      loading = convergenceSecret({ convergence: mode, data: init.dataDir })
      secrets.set(mode, loading)
    }
    return await loading
  }
  const sealer = (convergenceSecret: Uint8Array, mode: string, compress: boolean): Sealer => sealers.get(mode, convergenceSecret, compress)
  const sink = (replicas: number, leaseMs?: number): ChunkSink => {
    const key = `${replicas} ${leaseMs ?? ''}`
    let made = sinks.get(key)
    if (made === undefined) {
      made = chunks.sink(replicas, leaseMs)
      sinks.set(key, made)
    }
    return made
  }
  const manifest = async (uri: string, options: AbortOptions): Promise<FileManifest | DirectoryManifest> => {
    if (last?.uri !== uri) {
      last = { uri, manifest: readManifest(uri, chunks.source, options) }
      last.manifest.catch(() => { last = undefined })
    }
    return await last.manifest
  }

  return {
    via: '',
    async putFile (content, meta, options) {
      const convergenceSecret = await secret(options.convergence)
      const replicas = replicasOf(options)
      const size = 'path' in content ? content.size : undefined
      const handle = 'path' in content ? await open(content.path, 'r') : undefined
      try {
        // the chunker reads a file straight into its window: no copy of each read
        const source = handle !== undefined
          ? { read: async (into: Uint8Array) => (await handle.read(into, 0, into.byteLength, null)).bytesRead }
          : (content as { stream: AsyncIterable<Uint8Array> }).stream
        const common = {
          convergenceSecret,
          replicas,
          ...(options.redundancy !== undefined ? { redundancy: options.redundancy } : {}),
          ...meta,
          ...(size !== undefined ? { size } : {}),
          signal: options.signal,
          onProgress: (p: { bytes: number }) => options.onProgress?.(p.bytes)
        }
        // a file put alone: its own sealer, with no worker threads at all when it is small
        const sealing = options.alone === true
          ? { compress: options.compress, workers: size !== undefined && size < INLINE_BELOW ? 0 : undefined }
          : { sealer: sealer(convergenceSecret, options.convergence, options.compress) }
        const result = await putStream(source, sink(replicas, options.leaseMs), { ...common, ...sealing })
        return { uri: result.uri, size: result.size, chunks: result.chunks, manifests: result.manifests, newChunks: result.newChunks, storedBytes: result.storedBytes }
      } finally {
        await handle?.close()
      }
    },

    async putDirectory (directory, options) {
      const convergenceSecret = await secret(options.convergence)
      const { entries, ...meta } = directory
      const recorded = entries.map(manifestEntry)
      const listing: DirectoryManifest = { version: directoryVersion(recorded), type: 'directory', ...meta, entries: recorded }
      // kept as its files' manifests are (blocks.ts reads a directory's target from them)
      const target = options.redundancy !== undefined ? { target: directoryTarget(options.redundancy) } : {}
      const stored = await storeManifest(listing, {
        sink: sink(replicasOf(options), options.leaseMs),
        ...target,
        sealer: sealer(convergenceSecret, options.convergence, options.compress),
        convergenceSecret,
        signal: options.signal
      })
      const size = entries.reduce((n, entry) => n + entrySize(entry), 0)
      return { uri: formatCapability(stored.capability), size, chunks: 0, manifests: stored.blocks, newChunks: stored.newChunks, storedBytes: stored.storedBytes }
    },

    async list (uri, options = {}) {
      return listingOf(await manifest(uri, options))
    },

    read (uri, options = {}) {
      return getStream(uri, chunks.source, options)
    },

    async fetch (uri, partial, options = {}) {
      const file = await manifest(uri, options)
      if (file.type !== 'file') throw new WrongTypeError(`the URI names a ${file.type}, not a file`)
      // a download through a daemon left this partial: start over (downloadFile would), without its state
      if (await isPrefixState(partial.state)) await removeState(partial.state)
      const done = await downloadFile(file, chunks.source, partial.data, {
        signal: options.signal,
        onProgress: p => options.onProgress?.(p.bytes, file.size),
        state: { path: partial.state, cid: parseCapability(uri).cid }
      })
      return {
        size: file.size,
        ...(file.mode !== undefined ? { mode: file.mode } : {}),
        ...(file.mtime !== undefined ? { mtime: file.mtime } : {}),
        fetchedBytes: done.stats.fetchedBytes,
        resumedBytes: done.resumedBytes,
        duplicates: done.stats.duplicates,
        blamed: done.stats.blamed
      }
    },

    ...(chunks.upkeep !== undefined ? { upkeep: chunks.upkeep } : {}),

    async close () {
      try {
        await sealers.close()
      } finally {
        await chunks.close()
      }
    }
  }
}

type ReplicateTarget = Extract<Redundancy, { scheme: 'replicate' }>

/** Copies a sink keeps of a chunk with no target of its own: the replicas asked for (3 for stripes: their manifests carry targets). */
function replicasOf (options: PutOptions): number {
  if (options.redundancy?.scheme === 'replicate') return options.redundancy.replicas
  return options.replicas ?? 3
}

/** What a directory's manifest is put for: what its files' manifests are (put.ts). */
function directoryTarget (redundancy: Redundancy): ReplicateTarget {
  return redundancy.scheme === 'erasure' ? { scheme: 'replicate', replicas: Math.max(3, redundancy.m + 1) } : redundancy
}

function listingOf (manifest: FileManifest | DirectoryManifest): Listing {
  const meta = {
    ...(manifest.name !== undefined ? { name: manifest.name } : {}),
    ...(manifest.mode !== undefined ? { mode: manifest.mode } : {}),
    ...(manifest.mtime !== undefined ? { mtime: manifest.mtime } : {})
  }
  if (manifest.type === 'file') return { type: 'file', ...meta, size: manifest.size, entries: [] }
  const entries = manifest.entries.map(listingEntry)
  return { type: 'directory', ...meta, size: entries.reduce((n, e) => n + entrySize(e), 0), entries }
}

function listingEntry (entry: DirectoryEntry): Entry {
  if (entry.type === 'symlink') return { name: entry.name, type: 'symlink', target: entry.target }
  return { name: entry.name, type: entry.type, size: entry.size, uri: formatCapability(entry.capability) }
}

function manifestEntry (entry: Entry): DirectoryEntry {
  if (entry.type === 'symlink') return { name: entry.name, type: 'symlink', target: entry.target }
  return { name: entry.name, type: entry.type, size: entry.size, capability: parseCapability(entry.uri) }
}
