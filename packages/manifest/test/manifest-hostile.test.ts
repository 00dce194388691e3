// Bytes crafted to hurt the reader: each is refused with InvalidManifestError, quickly,
// without deep recursion or big allocations.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decode, encode } from 'cborg'
import {
  decodeManifest, encodeManifest, InvalidManifestError, MAX_CHUNKS_PER_MANIFEST,
  MAX_ENTRIES_PER_DIRECTORY, MAX_MANIFEST_BYTES
} from '../src/index.js'
import { fileManifest, fromHex, hex, throwsWith } from './helpers.js'

const valid = encodeManifest(fileManifest())
const record = decode(valid) as Record<string, unknown>

function refused (bytes: Uint8Array, fragment: string): void {
  const err = throwsWith(() => decodeManifest(bytes), InvalidManifestError, fragment) as InvalidManifestError
  assert.is(err.field, 'manifest')
}

/** `depth` arrays of one element around a 0, in the unknown field `x` of a valid record */
function nestedIn (depth: number): Uint8Array {
  const inner = new Uint8Array(depth + 1).fill(0x81)
  inner[depth] = 0x00
  const withX = encode({ ...record, x: 0 })
  // `x: 0` is encoded as 61 78 00; swap the 00 for the nested arrays
  const at = hex(withX).indexOf('617800') / 2 + 2
  return new Uint8Array(Buffer.concat([withX.subarray(0, at), inner, withX.subarray(at + 1)]))
}

test('not bytes, empty, or over MAX_MANIFEST_BYTES', () => {
  refused('a1' as unknown as Uint8Array, 'expected bytes')
  refused(new Uint8Array(0), 'empty')
  refused(new Uint8Array(MAX_MANIFEST_BYTES + 1), 'more than MAX_MANIFEST_BYTES')
})

test('deep nesting is refused before it can overflow the stack', () => {
  refused(new Uint8Array(200_000).fill(0x81), 'nested more than 16 deep')
  refused(new Uint8Array(200_000).fill(0xa1), 'nested more than 16 deep') // maps as keys of maps
  // the record is depth 1: an unknown field may nest 15 more, not 16
  assert.is(decodeManifest(nestedIn(15)).type, 'file')
  refused(nestedIn(16), 'nested more than 16 deep')
})

test('declared lengths far beyond the input fail fast', () => {
  const started = performance.now()
  refused(fromHex('9bffffffffffffffff'), 'CBOR') // array of 2^64-1 items
  refused(fromHex('9affffffff00'), 'CBOR') // array of 2^32-1 items
  refused(fromHex('bafffffff0'), 'CBOR') // map of 2^32-16 pairs
  refused(fromHex('5affffffff00'), 'CBOR') // byte string of 2^32-1 bytes
  refused(fromHex('7affffffff61'), 'CBOR') // text of 2^32-1 bytes
  assert.ok(performance.now() - started < 1000)
})

test('more chunks or entries than the limit are refused by count', () => {
  const tooMany = new Array(MAX_CHUNKS_PER_MANIFEST + 1).fill(0)
  const err = throwsWith(() => decodeManifest(encode({ ...record, chunks: tooMany })), InvalidManifestError, 'more than the limit') as InvalidManifestError
  assert.is(err.field, 'chunks')
  const dir = { version: 1, type: 'directory', entries: new Array(MAX_ENTRIES_PER_DIRECTORY + 1).fill(0) }
  assert.is((throwsWith(() => decodeManifest(encode(dir)), InvalidManifestError, 'more than the limit') as InvalidManifestError).field, 'entries')
})

test('CBOR outside the profile', () => {
  refused(new Uint8Array([...valid, 0x00]), 'too many terminals') // trailing bytes
  refused(valid.subarray(0, valid.length - 1), 'CBOR') // truncated
  refused(fromHex('d82a' + hex(valid)), 'tags are not allowed') // tag 42 around the record
  refused(new Uint8Array([0xbf, ...encode('version'), 0x01, 0xff]), 'indefinite') // indefinite-length map
  refused(fromHex('a2' + hex(encode('version')) + '01' + hex(encode('version')) + '01'), 'repeat map key')
  refused(fromHex('a1' + hex(encode('version')) + '1801'), 'more bytes than necessary') // 1 written in two bytes
  refused(fromHex('a1' + hex(encode('version')) + 'f7'), 'undefined')
  refused(fromHex('a1' + hex(encode('size')) + 'f97e00'), 'NaN')
  refused(fromHex('a1' + hex(encode('size')) + 'f97c00'), 'Infinity')
  refused(fromHex('a1' + hex(encode('size')) + '1b0020000000000001'), 'safe') // 2^53 + 1
  refused(fromHex('a10101'), 'non-string keys') // integer map key
  refused(fromHex('ff'), 'CBOR')
  refused(fromHex('1c'), 'CBOR') // reserved additional info
})

test('text that is not UTF-8 is refused, not decoded to U+FFFD', () => {
  const named = encodeManifest({ ...fileManifest(), name: 'aa' })
  const at = hex(named).indexOf(hex(encode('aa')))
  const bytes = Uint8Array.from(named)
  bytes[at / 2 + 2] = 0xff
  refused(bytes, 'not valid UTF-8')
})

test.run()
