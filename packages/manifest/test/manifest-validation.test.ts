// decodeManifest checks every field and names the one that is wrong; encodeManifest
// refuses to write what decodeManifest would refuse to read.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decode, encode } from 'cborg'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import {
  decodeManifest, encodeManifest, InvalidManifestError, UnsupportedManifestVersionError,
  MAX_CHUNK_REF_BYTES, MAX_LINK_TARGET_BYTES, MAX_MANIFEST_BYTES, MAX_NAME_BYTES
} from '../src/index.js'
import type { ContentEntry, DirectoryManifest, FileManifest, Manifest } from '../src/index.js'
import { directoryManifest, erasureManifest, fileManifest, indirectManifest, linkedDirectoryManifest, sha256, throwsWith } from './helpers.js'

const DELETE = Symbol('delete')
type Wire = Record<string, any>

function wire (manifest: Manifest): Wire {
  return decode(encodeManifest(manifest)) as Wire
}

/** A copy of `record` with the value at a dotted path (`chunks.0.key`) replaced or deleted. */
function mutate (record: Wire, path: string, value: unknown): Wire {
  const copy = structuredClone(record)
  const keys = path.split('.')
  let target: any = copy
  for (const key of keys.slice(0, -1)) target = target[key]
  const last = keys[keys.length - 1]
  if (value === DELETE) delete target[last]
  else target[last] = value
  return copy
}

const file = wire(fileManifest())
const directory = wire(directoryManifest())
const indirect = wire(indirectManifest())
const linked = wire(linkedDirectoryManifest())
const striped = wire(erasureManifest())
const digest = sha256('x')
const v0 = CID.createV0(Digest.create(0x12, digest)).bytes
const dagPb = CID.createV1(0x70, Digest.create(0x12, digest)).bytes
const sha512 = CID.createV1(0x55, Digest.create(0x13, new Uint8Array(64))).bytes

// [description, record, field the error must name, message fragment]
const invalid: Array<[string, unknown, string, string]> = [
  ['top level is an array', [1, 2], 'manifest', 'expected a map'],
  ['top level is a number', 7, 'manifest', 'expected a map'],
  ['top level is bytes', new Uint8Array(3), 'manifest', 'expected a map'],
  ['version missing', mutate(file, 'version', DELETE), 'version', 'missing'],
  ['version is text', mutate(file, 'version', '1'), 'version', 'expected an integer'],
  ['version negative', mutate(file, 'version', -1), 'version', 'outside'],
  ['type missing', mutate(file, 'type', DELETE), 'type', 'missing'],
  ['type unknown', mutate(file, 'type', 'symlink'), 'type', 'unknown manifest type "symlink"'],
  ['type not text', mutate(file, 'type', 3), 'type', 'expected a string'],
  ['name empty', mutate(file, 'name', ''), 'name', 'must not be empty'],
  ['name with slash', mutate(file, 'name', '../etc/passwd'), 'name', "must not contain '/'"],
  ['name dot', mutate(file, 'name', '.'), 'name', 'must not be "."'],
  ['name dot dot', mutate(file, 'name', '..'), 'name', 'must not be ".."'],
  ['name with NUL', mutate(file, 'name', 'a\0b'), 'name', 'NUL'],
  ['name too long', mutate(file, 'name', 'é'.repeat(128)), 'name', `256 bytes of UTF-8, more than ${MAX_NAME_BYTES}`],
  ['name not text', mutate(file, 'name', 5), 'name', 'expected a string'],
  ['size missing', mutate(file, 'size', DELETE), 'size', 'missing'],
  ['size negative', mutate(file, 'size', -1), 'size', 'outside'],
  ['size fractional', mutate(file, 'size', 1.5), 'size', 'expected an integer'],
  ['size beyond 2^53', mutate(file, 'size', 2 ** 60), 'size', 'expected an integer'],
  ['size text', mutate(file, 'size', '1577'), 'size', 'expected an integer'],
  ['size not the sum of chunks', mutate(file, 'size', file.size + 1), 'size', 'does not equal the sum of the chunk sizes'],
  ['mode beyond permission bits', mutate(file, 'mode', 0o10000), 'mode', 'outside 0..4095'],
  ['mode negative', mutate(file, 'mode', -1), 'mode', 'outside'],
  ['mtime fractional', mutate(file, 'mtime', 1.5), 'mtime', 'expected an integer'],
  ['chunks missing', mutate(file, 'chunks', DELETE), 'chunks', 'missing'],
  ['chunks not a list', mutate(file, 'chunks', { 0: 1 }), 'chunks', 'expected an array'],
  ['chunk not a map', mutate(file, 'chunks.1', 'x'), 'chunks[1]', 'expected a map'],
  ['chunk cid missing', mutate(file, 'chunks.0.cid', DELETE), 'chunks[0].cid', 'missing'],
  ['chunk cid as text', mutate(file, 'chunks.0.cid', 'bafkrei'), 'chunks[0].cid', 'expected CID bytes'],
  ['chunk cid v0', mutate(file, 'chunks.0.cid', v0), 'chunks[0].cid', 'version 0'],
  ['chunk cid dag-pb', mutate(file, 'chunks.0.cid', dagPb), 'chunks[0].cid', 'codec 0x70'],
  ['chunk cid sha2-512', mutate(file, 'chunks.0.cid', sha512), 'chunks[0].cid', 'hash function 0x13'],
  ['chunk cid truncated', mutate(file, 'chunks.0.cid', file.chunks[0].cid.subarray(0, 30)), 'chunks[0].cid', 'malformed'],
  ['chunk cid trailing byte', mutate(file, 'chunks.0.cid', Uint8Array.from([...file.chunks[0].cid, 1])), 'chunks[0].cid', 'malformed'],
  ['chunk key short', mutate(file, 'chunks.2.key', new Uint8Array(31)), 'chunks[2].key', '31 bytes, expected 32'],
  ['chunk key text', mutate(file, 'chunks.0.key', 'k'), 'chunks[0].key', 'expected 32 bytes'],
  ['chunk key missing', mutate(file, 'chunks.0.key', DELETE), 'chunks[0].key', 'missing'],
  ['chunk size zero', mutate(mutate(file, 'chunks.0.size', 0), 'size', file.size - file.chunks[0].size), 'chunks[0].size', 'outside 1..'],
  ['chunk size huge', mutate(file, 'chunks.0.size', MAX_CHUNK_REF_BYTES + 1), 'chunks[0].size', 'outside'],
  ['chunk stored zero', mutate(file, 'chunks.0.stored', 0), 'chunks[0].stored', 'outside'],
  ['chunk stored missing', mutate(file, 'chunks.1.stored', DELETE), 'chunks[1].stored', 'missing'],
  ['chunk compression unknown', mutate(file, 'chunks.0.compression', 'zstd'), 'chunks[0].compression', 'unknown compression "zstd"'],
  ['chunk compression missing', mutate(file, 'chunks.0.compression', DELETE), 'chunks[0].compression', 'missing'],
  ['redundancy missing', mutate(file, 'redundancy', DELETE), 'redundancy', 'expected a map'],
  ['redundancy scheme unknown', mutate(file, 'redundancy.scheme', 'raid5'), 'redundancy.scheme', 'unknown redundancy scheme'],
  ['replicas zero', mutate(file, 'redundancy.replicas', 0), 'redundancy.replicas', 'outside 1..64'],
  ['replicas too many', mutate(file, 'redundancy.replicas', 65), 'redundancy.replicas', 'outside'],
  ['erasure k missing', mutate(file, 'redundancy', { scheme: 'erasure', m: 2 }), 'redundancy.k', 'missing'],
  ['erasure m zero', mutate(file, 'redundancy', { scheme: 'erasure', k: 4, m: 0 }), 'redundancy.m', 'outside'],
  ['erasure too many shards', mutate(file, 'redundancy', { scheme: 'erasure', k: 200, m: 100 }), 'redundancy.m', 'k + m = 300'],
  ['entries missing', mutate(directory, 'entries', DELETE), 'entries', 'missing'],
  ['entry not a map', mutate(directory, 'entries.0', 1), 'entries[0]', 'expected a map'],
  ['entry name with slash', mutate(directory, 'entries.0.name', 'a/b'), 'entries[0].name', "must not contain '/'"],
  ['entry name empty', mutate(directory, 'entries.0.name', ''), 'entries[0].name', 'must not be empty'],
  ['entry names duplicate', mutate(directory, 'entries.1.name', directory.entries[0].name), 'entries[1].name', 'duplicate name "a.jpg"'],
  ['entries out of order', mutate(directory, 'entries', [directory.entries[1], directory.entries[0]]), 'entries[1].name', 'out of order'],
  ['entry type unknown', mutate(directory, 'entries.2.type', 'fifo'), 'entries[2].type', 'unknown entry type "fifo"'],
  ['symlink entry in a version 1 directory', mutate(mutate(directory, 'entries.2.type', 'symlink'), 'entries.2.target', 'x'), 'entries[2].type', 'a symlink entry needs format version 2, not 1'],
  ['version 2 directory without a symlink', mutate(directory, 'version', 2), 'version', 'a directory without symlink entries is version 1, not 2'],
  ['version 2 file', mutate(file, 'version', 2), 'version', 'a file manifest is version 1 or 3, not 2'],
  ['version 3 replicated file', mutate(file, 'version', 3), 'version', 'a file kept by replicate is version 1, not 3'],
  ['version 3 directory', mutate(directory, 'version', 3), 'version', 'a directory manifest is version 1 or 2, not 3'],
  ['version 3 indirect', mutate(indirect, 'version', 3), 'version', 'an indirect manifest is version 1, not 3'],
  // a reader that took this for a plain file would look for its chunks where they are not
  ['version 1 erasure-coded file', mutate(striped, 'version', 1), 'version', 'a file kept by erasure is version 3, not 1'],
  ['replicated file with stripes', mutate(file, 'stripes', []), 'stripes', 'only an erasure-coded file has stripes'],
  ['stripes missing', mutate(striped, 'stripes', DELETE), 'stripes', 'missing'],
  ['stripes not a list', mutate(striped, 'stripes', 3), 'stripes', 'expected an array'],
  ['a stripe too few', mutate(striped, 'stripes', striped.stripes.slice(0, 2)), 'stripes', '2 stripes, but 5 chunks in stripes of 2 make 3'],
  ['a stripe too many', mutate(striped, 'stripes', [...striped.stripes, striped.stripes[2]]), 'stripes', '4 stripes'],
  ['stripe not a map', mutate(striped, 'stripes.1', [1]), 'stripes[1]', 'expected a map'],
  ['parity missing', mutate(striped, 'stripes.0.parity', DELETE), 'stripes[0].parity', 'missing'],
  ['parity pieces fewer than m', mutate(striped, 'stripes.0.parity', []), 'stripes[0].parity', '0 parity pieces, expected m = 1'],
  ['parity pieces more than m', mutate(striped, 'stripes.2.parity', [striped.stripes[2].parity[0], striped.stripes[1].parity[0]]), 'stripes[2].parity', '2 parity pieces'],
  ['parity cid dag-pb', mutate(striped, 'stripes.1.parity.0', dagPb), 'stripes[1].parity[0]', 'codec 0x70'],
  ['parity cid as text', mutate(striped, 'stripes.1.parity.0', 'bafk'), 'stripes[1].parity[0]', 'expected CID bytes'],
  ['parity size missing', mutate(striped, 'stripes.0.size', DELETE), 'stripes[0].size', 'missing'],
  ['parity size zero', mutate(striped, 'stripes.0.size', 0), 'stripes[0].size', 'outside 1..'],
  ['parity size huge', mutate(striped, 'stripes.0.size', MAX_CHUNK_REF_BYTES + 1), 'stripes[0].size', 'outside'],
  ['parity size not the longest chunk', mutate(striped, 'stripes.0.size', 916), 'stripes[0].size', "916 is not the stripe's longest stored chunk (1216 bytes)"],
  ['last stripe parity size from another stripe', mutate(striped, 'stripes.2.size', 716), 'stripes[2].size', '(66 bytes)'],
  ['erasure k beyond the pieces a stripe may have', mutate(striped, 'redundancy.k', 256), 'redundancy.k', 'outside 1..255'],
  ['version 2 indirect', mutate(indirect, 'version', 2), 'version', 'an indirect manifest is version 1, not 2'],
  ['symlink target missing', mutate(linked, 'entries.1.target', DELETE), 'entries[1].target', 'missing'],
  ['symlink target empty', mutate(linked, 'entries.1.target', ''), 'entries[1].target', 'must not be empty'],
  ['symlink target with NUL', mutate(linked, 'entries.1.target', 'a\0b'), 'entries[1].target', 'NUL'],
  ['symlink target too long', mutate(linked, 'entries.1.target', 'x'.repeat(MAX_LINK_TARGET_BYTES + 1)), 'entries[1].target', `${MAX_LINK_TARGET_BYTES + 1} bytes of UTF-8, more than ${MAX_LINK_TARGET_BYTES}`],
  ['symlink target not text', mutate(linked, 'entries.1.target', new Uint8Array(2)), 'entries[1].target', 'expected a string'],
  ['symlink name with slash', mutate(linked, 'entries.1.name', 'a/b'), 'entries[1].name', "must not contain '/'"],
  ['entry size negative', mutate(directory, 'entries.0.size', -5), 'entries[0].size', 'outside'],
  ['entry capability missing', mutate(directory, 'entries.0.capability', DELETE), 'entries[0].capability', 'expected a map'],
  ['entry capability key short', mutate(directory, 'entries.0.capability.key', new Uint8Array(16)), 'entries[0].capability.key', '16 bytes, expected 32'],
  ['entry capability cid bad', mutate(directory, 'entries.1.capability.cid', dagPb), 'entries[1].capability.cid', 'codec 0x70'],
  ['directory name with slash', mutate(directory, 'name', 'x/y'), 'name', "must not contain '/'"],
  ['indirect size zero', mutate(mutate(indirect, 'size', 0), 'chunks', []), 'size', 'outside 1..'],
  ['indirect beyond MAX_MANIFEST_BYTES', mutate(indirect, 'size', MAX_MANIFEST_BYTES + 1), 'size', 'outside'],
  ['indirect size not the sum', mutate(indirect, 'size', indirect.size - 1), 'size', 'does not equal the sum'],
  ['indirect chunk key short', mutate(indirect, 'chunks.0.key', new Uint8Array(0)), 'chunks[0].key', '0 bytes']
]

test('every invalid field is rejected with InvalidManifestError naming it', () => {
  assert.ok(invalid.length > 60)
  for (const [what, record, field, fragment] of invalid) {
    const err = throwsWith(() => decodeManifest(encode(record)), InvalidManifestError, fragment) as InvalidManifestError
    assert.is(err.field, field, what)
    assert.ok(err.message.startsWith(`invalid manifest: ${field}: `), `${what}: ${err.message}`)
    assert.is(err.code, 'ERR_INVALID_MANIFEST')
    assert.is(err.name, 'InvalidManifestError')
  }
})

test('the unmodified records are valid (so each case above fails for its own reason)', () => {
  for (const record of [file, directory, indirect, linked, striped]) decodeManifest(encode(record))
})

test('an unknown version is its own error and is checked before anything else', () => {
  for (const version of [0, 4, 99]) {
    const err = throwsWith(() => decodeManifest(encode({ version, type: 'hologram', size: 'lots' })), UnsupportedManifestVersionError, `version ${version} is not supported`) as UnsupportedManifestVersionError
    assert.is(err.version, version)
    assert.is(err.supported, 3)
    assert.is(err.code, 'ERR_UNSUPPORTED_MANIFEST_VERSION')
    assert.is(err.name, 'UnsupportedManifestVersionError')
  }
})

test('unknown fields are tolerated at every level and dropped', () => {
  const extended = mutate(mutate(mutate(file, 'holders', [['12D3KooW']]), 'chunks.0.hint', { peer: 'x' }), 'redundancy.note', 1)
  const decoded = decodeManifest(encode(extended)) as FileManifest & { holders?: unknown }
  assert.is(decoded.holders, undefined)
  assert.not.ok('hint' in decoded.chunks[0])
  assert.equal(encodeManifest(decoded), encodeManifest(fileManifest()))
  const dir = decodeManifest(encode(mutate(directory, 'entries.0.capability.writeKey', new Uint8Array(32)))) as DirectoryManifest
  assert.not.ok('writeKey' in (dir.entries[0] as ContentEntry).capability)
})

test('a reader of versions 1 and 2 alone (before stripes) refuses an erasure-coded file with "upgrade", not by reading it without them', () => {
  // what that reader's version check did: anything but 1 and 2 is a newer format
  const record = decode(encodeManifest(erasureManifest())) as Wire
  assert.ok(record.version !== 1 && record.version !== 2)
  assert.ok(new UnsupportedManifestVersionError(record.version, 2).message.includes('upgrade shoal to read it'))
})

test('fields of another manifest type are not read: a directory with chunks is still a directory', () => {
  const decoded = decodeManifest(encode({ ...directory, chunks: file.chunks, size: 3 }))
  assert.is(decoded.type, 'directory')
  assert.not.ok('chunks' in decoded)
})

test('a __proto__ key is data, not a prototype', () => {
  const bytes = encode({ version: 1, ['__proto__' as string]: { type: 'file' } })
  throwsWith(() => decodeManifest(bytes), InvalidManifestError, 'type: missing')
})

test('encodeManifest refuses what decodeManifest would refuse', () => {
  const dir = directoryManifest()
  throwsWith(() => encodeManifest({ ...dir, entries: [dir.entries[0], { ...dir.entries[1], name: dir.entries[0].name }] }), InvalidManifestError, 'duplicate name "a.jpg"')
  throwsWith(() => encodeManifest({ ...dir, entries: [{ ...dir.entries[0], name: 'a/b' }] }), InvalidManifestError, "must not contain '/'")
  const m = fileManifest()
  throwsWith(() => encodeManifest({ ...m, size: m.size + 1 }), InvalidManifestError, 'does not equal the sum')
  throwsWith(() => encodeManifest({ ...m, chunks: [{ ...m.chunks[0], key: new Uint8Array(8) }] }), InvalidManifestError, 'chunks[0].key')
  throwsWith(() => encodeManifest({ ...m, chunks: [{ ...m.chunks[0], cid: CID.createV1(0x70, Digest.create(0x12, digest)) }] }), InvalidManifestError, 'codec 0x70')
  throwsWith(() => encodeManifest({ ...m, chunks: [{ ...m.chunks[0], cid: 'bafkrei...' as any }] }), InvalidManifestError, 'chunks[0].cid')
  throwsWith(() => encodeManifest({ ...m, mtime: Date.now() + 0.5 }), InvalidManifestError, 'mtime')
  // TextEncoder would silently turn this into U+FFFD
  throwsWith(() => encodeManifest({ ...m, name: 'a\ud800' }), InvalidManifestError, 'lone surrogate')
  throwsWith(() => encodeManifest({ ...m, compression: 'zip', chunks: [{ ...m.chunks[0], compression: 'zip' as any }] } as any), InvalidManifestError, 'unknown compression "zip"')
  throwsWith(() => encodeManifest({ ...m, version: 4 as 1 }), UnsupportedManifestVersionError, 'version 4')
  throwsWith(() => encodeManifest({ ...m, version: 2 as 1 }), InvalidManifestError, 'version: a file manifest is version 1 or 3, not 2')
  throwsWith(() => encodeManifest({ ...m, redundancy: { scheme: 'erasure', k: 2, m: 1 } }), InvalidManifestError, 'version: a file kept by erasure is version 3, not 1')
  const e = erasureManifest()
  throwsWith(() => encodeManifest({ ...e, stripes: e.stripes?.slice(1) }), InvalidManifestError, 'stripes: 2 stripes')
  throwsWith(() => encodeManifest(null as any), InvalidManifestError, 'expected a map')
  throwsWith(() => encodeManifest({ ...m, chunks: 'many' } as any), InvalidManifestError, 'chunks: expected an array')
  throwsWith(() => encodeManifest({ ...dir, entries: [null] } as any), InvalidManifestError, 'entries[0]: expected a map')
})

test('encodeManifest writes only the fields of the manifest type', () => {
  const m = { ...fileManifest(), entries: [], holders: ['x'], extra: 1 }
  assert.equal(encodeManifest(m), encodeManifest(fileManifest()))
  const record = decode(encodeManifest({ ...indirectManifest(), name: 'x', redundancy: { scheme: 'replicate', replicas: 3 } } as any)) as Wire
  assert.equal(Object.keys(record).sort(), ['chunks', 'size', 'type', 'version'])
})

test.run()
