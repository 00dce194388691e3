// POST /v1/directories (a directory manifest from child URIs) and GET /v1/manifests/<uri>
// (what a URI names, for `shoal ls` and for clients that walk a directory).
import { readManifest, storeManifest } from '@shoal/client'
import { directoryVersion, formatCapability, linkTargetProblem, MAX_ENTRIES_PER_DIRECTORY, parseCapability, type DirectoryEntry, type DirectoryManifest } from '@shoal/manifest'
import { createNetworkSink, createNetworkSource } from '@shoal/node'
import { BadRequestError } from '../errors.js'
import { capabilityFromPath, checkName, compressParam, convergenceParam, metadataFrom, readJsonBody, sendJson } from '../http.js'
import { keepParams } from '../keep-params.js'
import type { ApiContext, ApiRequest, Route } from '../server.js'

export const manifestRoutes: Route[] = [
  { method: 'POST', path: '/v1/directories', handle: postDirectory },
  { method: 'GET', path: '/v1/manifests/', handle: getManifest }
]

/**
 * Directory listings are JSON, so they are read whole: 8 MiB holds ~40 000 entries,
 * more than a reasonable single directory; bigger ones would be better split anyway.
 */
const MAX_DIRECTORY_BODY = 8 * 1024 * 1024

async function postDirectory (context: ApiContext, { req, res, url, signal }: ApiRequest): Promise<void> {
  const { replicas, redundancy, leaseMs } = keepParams(url, context.replicas)
  const { sealer, convergenceSecret } = context.sealer(convergenceParam(url), compressParam(url))
  const manifest = directoryFrom(await readJsonBody(req, MAX_DIRECTORY_BODY))
  const sink = createNetworkSink(context.node, { replicas, signal, network: await context.network(signal), ...(leaseMs !== undefined ? { leaseMs } : {}) })
  // kept as its files' manifests are (what a walk of its blocks expects)
  const target = redundancy?.scheme === 'erasure' ? { target: { scheme: 'replicate' as const, replicas: Math.max(3, redundancy.m + 1) } } : redundancy !== undefined ? { target: redundancy } : {}
  const stored = await storeManifest(manifest, { sink, sealer, convergenceSecret, signal, ...target })
  // the directory's renewal covers its entries from now on
  await context.uploaded(formatCapability(stored.capability), leaseMs, manifest.entries.flatMap(e => e.type === 'symlink' ? [] : [formatCapability(e.capability)]))
  const size = sizeOf(manifest.entries)
  sendJson(res, 201, { uri: formatCapability(stored.capability), size, newChunks: stored.newChunks, storedBytes: stored.storedBytes })
}

/** Validates the body at the boundary; the manifest encoder checks the rest (unique names). */
export function directoryFrom (body: unknown): DirectoryManifest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError('body must be an object { name?, mode?, mtime?, entries }')
  // entries: { name, type: 'file' | 'directory', size, uri } or { name, type: 'symlink', target }
  const { name, mode, mtime, entries } = body as { name?: unknown, mode?: unknown, mtime?: unknown, entries?: unknown }
  if (!Array.isArray(entries)) throw new BadRequestError('entries must be an array')
  if (entries.length > MAX_ENTRIES_PER_DIRECTORY) throw new BadRequestError(`more than ${MAX_ENTRIES_PER_DIRECTORY} entries`)
  const checked: DirectoryEntry[] = entries.map((value: unknown, i) => {
    const field = `entries[${i}]`
    if (typeof value !== 'object' || value === null) throw new BadRequestError(`${field} must be an object { name, type, size, uri }`)
    const entry = value as Record<string, unknown>
    const entryName = checkName(entry.name, `${field}.name`)
    if (entryName === undefined) throw new BadRequestError(`${field}.name is missing`)
    if (entry.type === 'symlink') {
      const problem = typeof entry.target === 'string' ? linkTargetProblem(entry.target) : 'must be a string'
      if (problem !== undefined) throw new BadRequestError(`${field}.target ${problem}`)
      return { name: entryName, type: 'symlink', target: entry.target as string }
    }
    if (entry.type !== 'file' && entry.type !== 'directory') throw new BadRequestError(`${field}.type must be 'file', 'directory' or 'symlink'`)
    if (typeof entry.size !== 'number' || !Number.isSafeInteger(entry.size) || entry.size < 0) throw new BadRequestError(`${field}.size must be a whole number of bytes`)
    if (typeof entry.uri !== 'string') throw new BadRequestError(`${field}.uri must be a string`)
    return { name: entryName, type: entry.type, size: entry.size, capability: parseCapability(entry.uri) }
  })
  // the format stores entries in UTF-8 byte order; clients need not know that
  checked.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)))
  const dirName = checkName(name, 'name')
  return { version: directoryVersion(checked), type: 'directory', ...(dirName !== undefined ? { name: dirName } : {}), ...metadataFrom(mode, mtime), entries: checked }
}

async function getManifest (context: ApiContext, { res, rest, signal }: ApiRequest): Promise<void> {
  const capability = capabilityFromPath(rest)
  const manifest = await readManifest(capability, createNetworkSource(context.node, { signal, network: await context.network(signal) }), { signal })
  if (manifest.type === 'file') {
    sendJson(res, 200, { type: 'file', name: manifest.name ?? null, ...metadataOf(manifest), size: manifest.size, chunks: manifest.chunks.length })
    return
  }
  sendJson(res, 200, {
    type: 'directory',
    name: manifest.name ?? null,
    ...metadataOf(manifest),
    size: sizeOf(manifest.entries),
    entries: manifest.entries.map(e => e.type === 'symlink'
      ? { name: e.name, type: e.type, target: e.target }
      : { name: e.name, type: e.type, size: e.size, uri: formatCapability(e.capability) })
  })
}

/** Bytes of the files and directories listed (a link holds none). */
function sizeOf (entries: DirectoryEntry[]): number {
  return entries.reduce((n, e) => n + (e.type === 'symlink' ? 0 : e.size), 0)
}

/** mode and mtime where the manifest has them */
function metadataOf (manifest: { mode?: number, mtime?: number }): { mode?: number, mtime?: number } {
  return { ...(manifest.mode !== undefined ? { mode: manifest.mode } : {}), ...(manifest.mtime !== undefined ? { mtime: manifest.mtime } : {}) }
}
