// Valid manifests of every kind and version, and valid capabilities, for the
// round-trip and mutation properties.
import fc from 'fast-check'
import {
  chunkCid, directoryVersion, entryNameProblem, fileVersion, linkTargetProblem, MAX_CHUNK_REF_BYTES, MAX_REPLICAS,
  type Capability, type ChunkRef, type DirectoryEntry, type DirectoryManifest, type FileManifest, type IndirectManifest, type Manifest, type Redundancy
} from '../src/index.js'

export const cidArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(chunkCid)
export const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 })
export const capabilityArb: fc.Arbitrary<Capability> = fc.record({ cid: cidArb, key: keyArb })

const nameArb = fc.string({ minLength: 1, maxLength: 24, unit: 'binary' }).filter(name => entryNameProblem(name) === undefined)
const targetArb = fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }).filter(target => linkTargetProblem(target) === undefined)
const sizeArb = fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: MAX_CHUNK_REF_BYTES }))

const chunkArb: fc.Arbitrary<ChunkRef> = fc.record({
  cid: cidArb, key: keyArb, size: sizeArb, stored: sizeArb, compression: fc.constantFrom('none' as const, 'deflate' as const, 'brotli' as const)
})

const metadataArb = fc.record({
  name: nameArb,
  mode: fc.integer({ min: 0, max: 0o7777 }),
  mtime: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })
}, { requiredKeys: [] })

const redundancyArb: fc.Arbitrary<Redundancy> = fc.oneof(
  fc.record({ scheme: fc.constant('replicate' as const), replicas: fc.integer({ min: 1, max: MAX_REPLICAS }) }),
  fc.record({ scheme: fc.constant('erasure' as const), k: fc.integer({ min: 1, max: 8 }), m: fc.integer({ min: 1, max: 4 }) })
)

const fileArb: fc.Arbitrary<FileManifest> = fc.record({ meta: metadataArb, chunks: fc.array(chunkArb, { maxLength: 5 }), redundancy: redundancyArb })
  .chain(({ meta, chunks, redundancy }) => {
    const base: FileManifest = { version: fileVersion(redundancy), type: 'file', ...meta, size: chunks.reduce((n, c) => n + c.size, 0), chunks, redundancy }
    if (redundancy.scheme !== 'erasure') return fc.constant(base)
    const { k, m } = redundancy
    const count = Math.ceil(chunks.length / k)
    return fc.array(fc.array(cidArb, { minLength: m, maxLength: m }), { minLength: count, maxLength: count })
      .map(parities => ({
        ...base,
        stripes: parities.map((parity, s) => ({ parity, size: Math.max(...chunks.slice(s * k, s * k + k).map(c => c.stored)) }))
      }))
  })

const entryArb: fc.Arbitrary<DirectoryEntry> = fc.oneof(
  fc.record({ name: nameArb, type: fc.constantFrom('file' as const, 'directory' as const), size: fc.nat({ max: Number.MAX_SAFE_INTEGER }), capability: capabilityArb }),
  fc.record({ name: nameArb, type: fc.constant('symlink' as const), target: targetArb })
)

const utf8Order = (a: DirectoryEntry, b: DirectoryEntry): number => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name))

const directoryArb: fc.Arbitrary<DirectoryManifest> = fc.record({ meta: metadataArb, entries: fc.uniqueArray(entryArb, { maxLength: 5, selector: e => e.name }) })
  .map(({ meta, entries }): DirectoryManifest => ({ version: directoryVersion(entries), type: 'directory', ...meta, entries: entries.sort(utf8Order) }))

const indirectArb: fc.Arbitrary<IndirectManifest> = fc.array(chunkArb, { minLength: 1, maxLength: 4 })
  .map((chunks): IndirectManifest => ({ version: 1, type: 'indirect', size: chunks.reduce((n, c) => n + c.size, 0), chunks }))
  .filter(m => m.size <= 256 * 1024 * 1024)

export const manifestArb: fc.Arbitrary<Manifest> = fc.oneof(fileArb, directoryArb, indirectArb)
