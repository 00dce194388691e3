// The backend of a running `shoal node`: its HTTP API seals, places and swarms; this
// process streams plaintext to and from it. A file streams to POST /v1/files, a listing
// goes to POST /v1/directories, GET /v1/manifests/<uri> lists, GET /v1/files/<uri> reads.
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { DaemonTransferError, uriPath, type DaemonClient } from '../daemon-client.js'
import type { Backend, Entry, Listing, PutOptions, Stored } from './backend.js'
import { fetchThroughDaemon } from './daemon-fetch.js'
import { formatRedundancy } from '../redundancy.js'
import type { LeaseReport, TreeHealth } from '@shoal/client'

interface ManifestAnswer {
  type: 'file' | 'directory'
  name: string | null
  mode?: number
  mtime?: number
  size: number
  entries?: Entry[]
}

/**
 * The daemon's answers do not count manifest blocks: one per file or directory, which is
 * what every manifest but one stored as content (a file of ~8 GiB and more, a directory
 * of ~8 000 entries and more) takes.
 */
const ONE_MANIFEST = 1

export function daemonBackend (daemon: DaemonClient): Backend {
  return {
    via: `through ${daemon.url}`,

    async putFile (content, meta, options) {
      // a stream of unknown length goes chunked (no content-length)
      const body = 'path' in content ? createReadStream(content.path, { highWaterMark: 1024 * 1024 }) : Readable.from(content.stream)
      let read = 0
      body.on('data', (part: Uint8Array) => { read += part.length; options.onProgress?.(read) })
      const query = putQuery(options)
      if (meta.name !== undefined) query.set('name', meta.name)
      if (meta.mode !== undefined) query.set('mode', String(meta.mode))
      if (meta.mtime !== undefined) query.set('mtime', String(meta.mtime))
      const stored = await daemon.json<Omit<Stored, 'manifests'> & { manifests?: number }>('POST', `/v1/files?${query.toString()}`, {
        body,
        headers: { 'content-type': 'application/octet-stream', ...('path' in content ? { 'content-length': content.size } : {}) },
        signal: options.signal
      })
      return { uri: stored.uri, size: stored.size, chunks: stored.chunks, manifests: stored.manifests ?? ONE_MANIFEST, newChunks: stored.newChunks, storedBytes: stored.storedBytes }
    },

    async putDirectory (directory, options) {
      const body = Buffer.from(JSON.stringify(directory))
      const stored = await daemon.json<{ uri: string, size: number, manifests?: number, newChunks: number, storedBytes: number }>('POST', `/v1/directories?${putQuery(options).toString()}`, {
        body,
        headers: { 'content-type': 'application/json', 'content-length': body.byteLength },
        signal: options.signal
      })
      return { uri: stored.uri, size: stored.size, chunks: 0, manifests: stored.manifests ?? ONE_MANIFEST, newChunks: stored.newChunks, storedBytes: stored.storedBytes }
    },

    async list (uri, options = {}) {
      const answer = await daemon.json<ManifestAnswer>('GET', uriPath('/v1/manifests/', uri), { signal: options.signal })
      const listing: Listing = { type: answer.type, size: answer.size, entries: answer.entries ?? [] }
      if (answer.name !== null) listing.name = answer.name
      if (answer.mode !== undefined) listing.mode = answer.mode
      if (answer.mtime !== undefined) listing.mtime = answer.mtime
      return listing
    },

    async * read (uri, options = {}) {
      const res = await daemon.request('GET', uriPath('/v1/files/', uri), { signal: options.signal })
      try {
        for await (const part of res as AsyncIterable<Uint8Array>) yield part
      } catch (err) {
        options.signal?.throwIfAborted()
        throw new DaemonTransferError((err as Error).message)
      } finally {
        res.destroy()
      }
    },

    async fetch (uri, partial, options = {}) {
      return await fetchThroughDaemon(daemon, uri, partial, options)
    },

    upkeep: {
      async check (uri, options) {
        const query = new URLSearchParams({ lease: String(options.leaseMs), ...(options.repair ? { repair: 'true' } : {}) })
        return await daemon.json<TreeHealth>('POST', `${uriPath('/v1/check/', uri)}?${query.toString()}`, { signal: options.signal })
      },
      async renew (uri, options) {
        return await daemon.json<LeaseReport>('POST', `${uriPath('/v1/renew/', uri)}?lease=${options.leaseMs}`, { signal: options.signal })
      },
      async remove (uri, options = {}) {
        return await daemon.json<LeaseReport>('POST', uriPath('/v1/rm/', uri), { signal: options.signal })
      }
    },

    async close () {}
  }
}

/** What every put request says: copies, convergence, compression. */
function putQuery (options: PutOptions): URLSearchParams {
  const query = new URLSearchParams()
  // none named: the daemon's own --replicas decides
  if (options.redundancy !== undefined) query.set('redundancy', formatRedundancy(options.redundancy))
  else if (options.replicas !== undefined) query.set('replicas', String(options.replicas))
  if (options.leaseMs !== undefined) query.set('lease', String(options.leaseMs))
  query.set('convergence', options.convergence)
  if (!options.compress) query.set('compress', 'false')
  return query
}
