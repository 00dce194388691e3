// Turns a decoded CBOR value into a Manifest, checking every field. Both directions
// use it: decodeManifest on what it read, encodeManifest on what it is about to write,
// so nothing is ever written that a reader would refuse.
//
// Unknown fields are ignored (and not carried into the result): a later writer may
// add optional fields, such as holder hints, without a version bump. A change that a
// reader must understand to read correctly bumps MANIFEST_VERSION instead.
import { Buffer } from 'node:buffer'
import type { CID } from 'multiformats/cid'
import { decodeChunkCid } from './cid.js'
import { InvalidCidError, InvalidManifestError, UnsupportedManifestVersionError } from './errors.js'
import {
  MAX_CHUNK_REF_BYTES, MAX_CHUNKS_PER_MANIFEST, MAX_ENTRIES_PER_DIRECTORY, MAX_ERASURE_SHARDS,
  MAX_LINK_TARGET_BYTES, MAX_MANIFEST_BYTES, MAX_NAME_BYTES, MAX_REPLICAS
} from './limits.js'
import { COMPRESSIONS, ERASURE_MANIFEST_VERSION, MANIFEST_VERSION, SYMLINK_MANIFEST_VERSION } from './types.js'
import type {
  Capability, ChunkRef, Compression, DirectoryEntry, DirectoryManifest, FileManifest,
  IndirectManifest, Manifest, ManifestVersion, Redundancy, Stripe
} from './types.js'

type Fields = Record<string, unknown>

const KEY_BYTES = 32
const MAX_MODE = 0o7777

function fail (field: string, reason: string): never {
  throw new InvalidManifestError(field, reason)
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Uint8Array) return `${value.length} bytes`
  if (typeof value === 'object') return 'a map'
  if (typeof value === 'string') return value.length > 40 ? 'a long string' : JSON.stringify(value)
  return typeof value === 'number' ? String(value) : typeof value
}

function isFields (value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
}

function fields (value: unknown, field: string): Fields {
  if (!isFields(value)) fail(field, `expected a map, got ${describe(value)}`)
  return value
}

/** Own properties only: a decoded `__proto__` or `constructor` key is just data. */
function get (record: Fields, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

function uint (value: unknown, field: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) fail(field, 'missing')
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(field, `expected an integer, got ${describe(value)}`)
  if (value < min || value > max) fail(field, `${value} is outside ${min}..${max}`)
  return value
}

function text (value: unknown, field: string): string {
  if (value === undefined) fail(field, 'missing')
  if (typeof value !== 'string') fail(field, `expected a string, got ${describe(value)}`)
  return value
}

function oneOf<T extends string> (value: unknown, field: string, allowed: readonly T[], what: string): T {
  const s = text(value, field)
  if (!(allowed as readonly string[]).includes(s)) fail(field, `unknown ${what} ${describe(s)} (expected ${allowed.join(', ')})`)
  return s as T
}

function key (value: unknown, field: string): Uint8Array {
  if (value === undefined) fail(field, 'missing')
  if (!(value instanceof Uint8Array)) fail(field, `expected ${KEY_BYTES} bytes, got ${describe(value)}`)
  if (value.length !== KEY_BYTES) fail(field, `key is ${value.length} bytes, expected ${KEY_BYTES}`)
  return Uint8Array.from(value)
}

function cid (value: unknown, field: string): CID {
  if (value === undefined) fail(field, 'missing')
  if (!(value instanceof Uint8Array)) fail(field, `expected CID bytes, got ${describe(value)}`)
  try {
    return decodeChunkCid(value)
  } catch (err) {
    if (err instanceof InvalidCidError) fail(field, err.reason)
    throw err
  }
}

function list (value: unknown, field: string, max: number): unknown[] {
  if (value === undefined) fail(field, 'missing')
  if (!Array.isArray(value)) fail(field, `expected an array, got ${describe(value)}`)
  if (value.length > max) fail(field, `${value.length} items, more than the limit of ${max}`)
  return value
}

const utf8 = new TextEncoder()
const LONE_SURROGATE = /\p{Surrogate}/u

/**
 * Why `name` cannot be a file or directory name in a manifest, or undefined when it can:
 * one POSIX path component (not empty, '.' or '..', no '/' or NUL), well-formed Unicode,
 * at most MAX_NAME_BYTES of UTF-8. Whoever takes names from elsewhere (an API request,
 * a manifest about to be written to disk) checks them with this, as the decoder does.
 */
export function entryNameProblem (name: string): string | undefined {
  if (name.length === 0) return 'must not be empty'
  if (name === '.' || name === '..') return `must not be ${describe(name)}`
  if (name.includes('/')) return `${describe(name)} must not contain '/'`
  if (name.includes('\0')) return 'must not contain NUL'
  if (LONE_SURROGATE.test(name)) return 'is not well-formed Unicode (lone surrogate)'
  const length = utf8.encode(name).length
  if (length > MAX_NAME_BYTES) return `is ${length} bytes of UTF-8, more than ${MAX_NAME_BYTES}`
  return undefined
}

/**
 * Why `target` cannot be a symlink entry's target, or undefined when it can: not empty,
 * no NUL, well-formed Unicode, at most MAX_LINK_TARGET_BYTES of UTF-8. Anything else
 * goes, '..' and absolute paths included: whoever makes the link decides where it may
 * point.
 */
export function linkTargetProblem (target: string): string | undefined {
  if (target.length === 0) return 'must not be empty'
  if (target.includes('\0')) return 'must not contain NUL'
  if (LONE_SURROGATE.test(target)) return 'is not well-formed Unicode (lone surrogate)'
  const length = utf8.encode(target).length
  if (length > MAX_LINK_TARGET_BYTES) return `is ${length} bytes of UTF-8, more than ${MAX_LINK_TARGET_BYTES}`
  return undefined
}

/** A name must be usable as one POSIX path component; returns its UTF-8 bytes. */
function nameBytes (value: unknown, field: string): Uint8Array {
  const name = text(value, field)
  const problem = entryNameProblem(name)
  if (problem !== undefined) fail(field, problem)
  return utf8.encode(name)
}

function optional<T> (record: Fields, name: string, read: (value: unknown, field: string) => T): T | undefined {
  const value = get(record, name)
  return value === undefined ? undefined : read(value, name)
}

/** Common metadata of files and directories, present only when set. */
function metadata (record: Fields): { name?: string, mode?: number, mtime?: number } {
  const out: { name?: string, mode?: number, mtime?: number } = {}
  const name = optional(record, 'name', (v, f) => { nameBytes(v, f); return v as string })
  const mode = optional(record, 'mode', (v, f) => uint(v, f, 0, MAX_MODE))
  // may be negative: files older than 1970 exist, and fs.stat reports them so
  const mtime = optional(record, 'mtime', (v, f) => uint(v, f, Number.MIN_SAFE_INTEGER))
  if (name !== undefined) out.name = name
  if (mode !== undefined) out.mode = mode
  if (mtime !== undefined) out.mtime = mtime
  return out
}

function chunkRef (value: unknown, field: string): ChunkRef {
  const record = fields(value, field)
  return {
    cid: cid(get(record, 'cid'), `${field}.cid`),
    key: key(get(record, 'key'), `${field}.key`),
    // an empty chunk has no reason to exist (an empty file has no chunks)
    size: uint(get(record, 'size'), `${field}.size`, 1, MAX_CHUNK_REF_BYTES),
    stored: uint(get(record, 'stored'), `${field}.stored`, 1, MAX_CHUNK_REF_BYTES),
    compression: oneOf<Compression>(get(record, 'compression'), `${field}.compression`, COMPRESSIONS, 'compression')
  }
}

/** The chunk list and its size, which must equal the sum of the chunk sizes. */
function chunkList (record: Fields, minSize: number, maxSize: number): { size: number, chunks: ChunkRef[] } {
  const size = uint(get(record, 'size'), 'size', minSize, maxSize)
  const chunks = list(get(record, 'chunks'), 'chunks', MAX_CHUNKS_PER_MANIFEST).map((c, i) => chunkRef(c, `chunks[${i}]`))
  // cannot overflow: at most 2^20 chunks of at most 2^24 bytes
  const sum = chunks.reduce((total, c) => total + c.size, 0)
  if (sum !== size) fail('size', `${size} does not equal the sum of the chunk sizes (${sum})`)
  return { size, chunks }
}

function redundancy (value: unknown): Redundancy {
  const record = fields(value, 'redundancy')
  const scheme = oneOf(get(record, 'scheme'), 'redundancy.scheme', ['replicate', 'erasure'] as const, 'redundancy scheme')
  if (scheme === 'replicate') {
    return { scheme, replicas: uint(get(record, 'replicas'), 'redundancy.replicas', 1, MAX_REPLICAS) }
  }
  const k = uint(get(record, 'k'), 'redundancy.k', 1, MAX_ERASURE_SHARDS - 1)
  const m = uint(get(record, 'm'), 'redundancy.m', 1, MAX_ERASURE_SHARDS - 1)
  if (k + m > MAX_ERASURE_SHARDS) fail('redundancy.m', `k + m = ${k + m} shards, more than ${MAX_ERASURE_SHARDS}`)
  return { scheme, k, m }
}

function capability (value: unknown, field: string): Capability {
  const record = fields(value, field)
  return { cid: cid(get(record, 'cid'), `${field}.cid`), key: key(get(record, 'key'), `${field}.key`) }
}

function linkTarget (value: unknown, field: string): string {
  const target = text(value, field)
  const problem = linkTargetProblem(target)
  if (problem !== undefined) fail(field, problem)
  return target
}

function entries (value: unknown, version: number): DirectoryEntry[] {
  let previous: Uint8Array | undefined
  const read = list(value, 'entries', MAX_ENTRIES_PER_DIRECTORY).map((item, i): DirectoryEntry => {
    const field = `entries[${i}]`
    const record = fields(item, field)
    const nameValue = get(record, 'name')
    const bytes = nameBytes(nameValue, `${field}.name`)
    // strictly ascending UTF-8 byte order: one encoding per directory, and uniqueness in O(n)
    if (previous !== undefined) {
      const order = Buffer.compare(previous, bytes)
      if (order === 0) fail(`${field}.name`, `duplicate name ${describe(nameValue)}`)
      if (order > 0) fail(`${field}.name`, `${describe(nameValue)} is out of order (entries are sorted by name, UTF-8 byte order)`)
    }
    previous = bytes
    const name = nameValue as string
    const type = oneOf(get(record, 'type'), `${field}.type`, ['file', 'directory', 'symlink'] as const, 'entry type')
    if (type === 'symlink') {
      if (version !== SYMLINK_MANIFEST_VERSION) fail(`${field}.type`, `a symlink entry needs format version ${SYMLINK_MANIFEST_VERSION}, not ${version}`)
      return { name, type, target: linkTarget(get(record, 'target'), `${field}.target`) }
    }
    return {
      name,
      type,
      size: uint(get(record, 'size'), `${field}.size`, 0),
      capability: capability(get(record, 'capability'), `${field}.capability`)
    }
  })
  // one version per content: a version 2 directory without a link would be a second encoding of a version 1 one
  if (version !== directoryVersion(read)) fail('version', `a directory without symlink entries is version ${MANIFEST_VERSION}, not ${version}`)
  return read
}

/** The format version a directory with these entries is written in (and must be read in). */
export function directoryVersion (entries: readonly DirectoryEntry[]): DirectoryManifest['version'] {
  return entries.some(entry => entry.type === 'symlink') ? SYMLINK_MANIFEST_VERSION : MANIFEST_VERSION
}

/** Only directories have a version 2 (SYMLINK_MANIFEST_VERSION), only files a version 3. */
function onlyVersion1 (version: number, type: string): void {
  if (version !== MANIFEST_VERSION) fail('version', `${type} manifest is version ${MANIFEST_VERSION}, not ${version}`)
}

/** The format version a file kept with this redundancy is written in (and must be read in). */
export function fileVersion (redundancy: Redundancy): typeof MANIFEST_VERSION | typeof ERASURE_MANIFEST_VERSION {
  return redundancy.scheme === 'erasure' ? ERASURE_MANIFEST_VERSION : MANIFEST_VERSION
}

function file (record: Fields, version: number): FileManifest {
  if (version !== MANIFEST_VERSION && version !== ERASURE_MANIFEST_VERSION) fail('version', `a file manifest is version ${MANIFEST_VERSION} or ${ERASURE_MANIFEST_VERSION}, not ${version}`)
  const { size, chunks } = chunkList(record, 0, Number.MAX_SAFE_INTEGER)
  const kept = redundancy(get(record, 'redundancy'))
  // one version per content: an erasure-coded file read as version 1 would be read without its stripes
  const expected = fileVersion(kept)
  if (version !== expected) fail('version', `a file kept by ${kept.scheme} is version ${expected}, not ${version}`)
  const manifest: FileManifest = { version: expected, type: 'file', ...metadata(record), size, chunks, redundancy: kept }
  if (kept.scheme === 'erasure') manifest.stripes = stripes(get(record, 'stripes'), chunks, kept.k, kept.m)
  else if (get(record, 'stripes') !== undefined) fail('stripes', 'only an erasure-coded file has stripes')
  return manifest
}

/** One stripe per k chunks (the last may have fewer), each with m parity pieces as long as its longest chunk. */
function stripes (value: unknown, chunks: ChunkRef[], k: number, m: number): Stripe[] {
  const expected = Math.ceil(chunks.length / k)
  const read = list(value, 'stripes', MAX_CHUNKS_PER_MANIFEST)
  if (read.length !== expected) fail('stripes', `${read.length} stripes, but ${chunks.length} chunks in stripes of ${k} make ${expected}`)
  return read.map((item, s) => {
    const field = `stripes[${s}]`
    const record = fields(item, field)
    const parity = list(get(record, 'parity'), `${field}.parity`, MAX_ERASURE_SHARDS).map((c, i) => cid(c, `${field}.parity[${i}]`))
    if (parity.length !== m) fail(`${field}.parity`, `${parity.length} parity pieces, expected m = ${m}`)
    const longest = Math.max(...chunks.slice(s * k, s * k + k).map(chunk => chunk.stored))
    const size = uint(get(record, 'size'), `${field}.size`, 1, MAX_CHUNK_REF_BYTES)
    if (size !== longest) fail(`${field}.size`, `${size} is not the stripe's longest stored chunk (${longest} bytes)`)
    return { parity, size }
  })
}

function directory (record: Fields, version: ManifestVersion): DirectoryManifest {
  if (version === ERASURE_MANIFEST_VERSION) fail('version', `a directory manifest is version ${MANIFEST_VERSION} or ${SYMLINK_MANIFEST_VERSION}, not ${version}`)
  return { version, type: 'directory', ...metadata(record), entries: entries(get(record, 'entries'), version) }
}

function indirect (record: Fields, version: number): IndirectManifest {
  onlyVersion1(version, 'an indirect')
  // the content is itself a manifest, so decodeManifest's input limit applies to it
  const { size, chunks } = chunkList(record, 1, MAX_MANIFEST_BYTES)
  return { version: MANIFEST_VERSION, type: 'indirect', size, chunks }
}

export function parseManifest (value: unknown): Manifest {
  const record = fields(value, 'manifest')
  // version first: a newer writer may have changed everything else
  const version = uint(get(record, 'version'), 'version', 0)
  if (version !== MANIFEST_VERSION && version !== SYMLINK_MANIFEST_VERSION && version !== ERASURE_MANIFEST_VERSION) throw new UnsupportedManifestVersionError(version, ERASURE_MANIFEST_VERSION)
  const type = oneOf(get(record, 'type'), 'type', ['file', 'directory', 'indirect'] as const, 'manifest type')
  switch (type) {
    case 'file': return file(record, version)
    case 'directory': return directory(record, version)
    case 'indirect': return indirect(record, version)
  }
}

/** UTF-8 byte order, the order entries are encoded in. */
export function compareNames (a: string, b: string): number {
  return Buffer.compare(utf8.encode(a), utf8.encode(b))
}
