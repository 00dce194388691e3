// Manifest <-> CBOR bytes. The wire record uses the same field names as the types;
// CIDs are written as their binary form (a byte string), keys as byte strings,
// optional fields are left out when unset, and directory entries are sorted by name.
// The version is the caller's: encodeManifest refuses one the content does not need
// (directoryVersion says which).
import { Buffer } from 'node:buffer'
import { CID } from 'multiformats/cid'
import { decodeCbor, encodeCbor } from './cbor.js'
import { InvalidManifestError } from './errors.js'
import { MAX_MANIFEST_BYTES } from './limits.js'
import { parseManifest } from './schema.js'
import type { Manifest } from './types.js'

export function encodeManifest (manifest: Manifest): Uint8Array {
  const record = toRecord(manifest)
  parseManifest(record) // throws what a reader would throw
  return encodeCbor(record)
}

export function decodeManifest (bytes: Uint8Array): Manifest {
  if (!(bytes instanceof Uint8Array)) throw new InvalidManifestError('manifest', 'expected bytes')
  if (bytes.length === 0) throw new InvalidManifestError('manifest', 'empty')
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new InvalidManifestError('manifest', `${bytes.length} bytes, more than MAX_MANIFEST_BYTES (${MAX_MANIFEST_BYTES})`)
  }
  let value: unknown
  try {
    value = decodeCbor(bytes)
  } catch (err) {
    const reason = (err as Error).message.replace(/^CBOR decode error: /, '')
    throw new InvalidManifestError('manifest', `not valid CBOR for a manifest: ${reason}`)
  }
  return parseManifest(value)
}

// toRecord reshapes only what has the expected shape and passes anything else through
// untouched, so that parseManifest (not a TypeError here) reports what is wrong.

type Loose = Record<string, unknown>

function isLoose (value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Copies the listed fields that are set, so unset optional fields are not encoded. */
function pick (source: Loose, names: readonly string[]): Loose {
  const out: Loose = {}
  for (const name of names) {
    if (source[name] !== undefined) out[name] = source[name]
  }
  return out
}

function cidBytes (value: unknown): unknown {
  return CID.asCID(value)?.bytes ?? value
}

function chunkRecords (chunks: unknown): unknown {
  if (!Array.isArray(chunks)) return chunks
  return chunks.map(ref => isLoose(ref)
    ? { ...pick(ref, ['key', 'size', 'stored', 'compression']), cid: cidBytes(ref.cid) }
    : ref)
}

function entryRecords (entries: unknown): unknown {
  if (!Array.isArray(entries)) return entries
  const keyed = entries.map(entry => {
    const record = isLoose(entry) ? entryRecord(entry) : entry
    const name = isLoose(entry) && typeof entry.name === 'string' ? entry.name : ''
    return { sortKey: Buffer.from(name, 'utf8'), record }
  })
  keyed.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey))
  return keyed.map(k => k.record)
}

/** A symlink entry has a target and neither size nor capability. */
function entryRecord (entry: Loose): Loose {
  if (entry.type === 'symlink') return pick(entry, ['name', 'type', 'target'])
  const record = pick(entry, ['name', 'type', 'size'])
  if (isLoose(entry.capability)) record.capability = { ...pick(entry.capability, ['key']), cid: cidBytes(entry.capability.cid) }
  else if (entry.capability !== undefined) record.capability = entry.capability
  return record
}

// the fields each record kind carries; anything else on the object is not written
const FIELDS: Record<string, readonly string[]> = {
  file: ['version', 'type', 'name', 'size', 'mode', 'mtime'],
  directory: ['version', 'type', 'name', 'mode', 'mtime'],
  indirect: ['version', 'type', 'size']
}
const REDUNDANCY_FIELDS: Record<string, readonly string[]> = {
  replicate: ['scheme', 'replicas'],
  erasure: ['scheme', 'k', 'm']
}

function redundancyRecord (redundancy: unknown): unknown {
  if (!isLoose(redundancy)) return redundancy
  const scheme = String(redundancy.scheme)
  return pick(redundancy, Object.hasOwn(REDUNDANCY_FIELDS, scheme) ? REDUNDANCY_FIELDS[scheme] : ['scheme'])
}

function stripeRecords (stripes: unknown): unknown {
  if (!Array.isArray(stripes)) return stripes
  return stripes.map(stripe => isLoose(stripe)
    ? { ...pick(stripe, ['size']), parity: Array.isArray(stripe.parity) ? stripe.parity.map(cidBytes) : stripe.parity }
    : stripe)
}

function toRecord (manifest: Manifest): unknown {
  if (!isLoose(manifest)) return manifest
  const m = manifest as unknown as Loose
  const type = String(m.type)
  const record = pick(m, Object.hasOwn(FIELDS, type) ? FIELDS[type] : ['version', 'type'])
  if (type === 'file' || type === 'indirect') record.chunks = chunkRecords(m.chunks)
  if (type === 'file') record.redundancy = redundancyRecord(m.redundancy)
  if (type === 'file' && m.stripes !== undefined) record.stripes = stripeRecords(m.stripes)
  if (type === 'directory') record.entries = entryRecords(m.entries)
  return record
}
