// parseCapability refuses every malformed URI with InvalidCapabilityError and a message
// that says what is wrong.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { base32 } from 'multiformats/bases/base32'
import { base58btc } from 'multiformats/bases/base58'
import { chunkCid, formatCapability, parseCapability, InvalidCapabilityError } from '../src/index.js'
import { sha256, throwsWith } from './helpers.js'

const digest = sha256('manifest')
const cid = chunkCid(digest).toString()
const keyBytes = Uint8Array.from({ length: 32 }, (_, i) => 255 - i)
const key = base32.baseEncode(keyBytes)
const valid = formatCapability({ cid: chunkCid(digest), key: keyBytes })
const other = (code: number, hash: number, d: Uint8Array): string => CID.createV1(code, Digest.create(hash, d)).toString()

const cases: Array<[string, unknown, string]> = [
  ['empty string', '', 'empty string'],
  ['number', 42, 'expected a string, got number'],
  ['null', null, 'expected a string, got null'],
  ['undefined', undefined, 'expected a string, got undefined'],
  ['object', { cid, key }, 'expected a string, got object'],
  ['10 KB of junk', 'x'.repeat(10_240), '10240 characters, too long'],
  ['10 KB after a valid URI', valid + 'a'.repeat(10_000), 'too long'],
  ['trailing newline', valid + '\n', 'whitespace at offset 118'],
  ['leading space', ' ' + valid, 'whitespace at offset 0'],
  ['space inside', valid.replace('#', ' #'), 'whitespace'],
  ['wrong scheme', `https:${cid}#${key}`, "wrong scheme 'https:'"],
  ['ipfs scheme', `ipfs://${cid}`, "wrong scheme 'ipfs:'"],
  ['uppercase scheme', valid.replace('shoal:', 'SHOAL:'), "lowercase 'shoal:'"],
  ['no scheme', `${cid}#${key}`, "missing scheme 'shoal:'"],
  ['missing # and key', `shoal:${cid}`, "missing '#' and key"],
  ['truncated in the CID', valid.slice(0, 30), "missing '#' and key"],
  ['truncated just before the key', valid.slice(0, valid.indexOf('#') + 1), "missing key after '#'"],
  ['truncated in the key', valid.slice(0, -1), 'key is 51 characters, expected 52'],
  ['truncated by 8 key characters', valid.slice(0, -8), 'key is 44 characters, expected 52'],
  ['missing CID', `shoal:#${key}`, "missing CID before '#'"],
  ['two #', `${valid}#${key}`, "more than one '#'"],
  ['percent-encoded #', `shoal:${cid}%23${key}`, "missing '#'"],
  ['CID in base58', `shoal:${chunkCid(digest).toString(base58btc)}#${key}`, "CID: must be lowercase base32 with multibase prefix 'b', got prefix \"z\""],
  ['CIDv0', `shoal:QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG#${key}`, 'looks like a CIDv0'],
  ['uppercase CID', `shoal:${cid.toUpperCase()}#${key}`, 'got prefix "B"'],
  ['bad base32 in CID', `shoal:${cid.slice(0, 10)}1${cid.slice(11)}#${key}`, 'CID: bad base32: character "1" at offset 9'],
  ['non-ASCII in CID', `shoal:${cid.slice(0, 10)}а${cid.slice(11)}#${key}`, 'is not base32'],
  ['CID not v1', `shoal:b${base32.baseEncode(CID.createV0(Digest.create(0x12, digest)).bytes)}#${key}`, 'CID: CID version 0, expected 1'],
  ['codec dag-pb', `shoal:${other(0x70, 0x12, digest)}#${key}`, 'CID: codec 0x70, expected raw'],
  ['codec dag-cbor', `shoal:${other(0x71, 0x12, digest)}#${key}`, 'CID: codec 0x71'],
  ['hash sha2-512', `shoal:${other(0x55, 0x13, new Uint8Array(64))}#${key}`, 'CID: hash function 0x13, expected sha2-256'],
  ['hash blake3', `shoal:${other(0x55, 0x1e, digest)}#${key}`, 'hash function 0x1e'],
  ['digest too short', `shoal:${other(0x55, 0x12, digest.subarray(0, 16))}#${key}`, 'CID: digest is 16 bytes, expected 32'],
  ['CID truncated', `shoal:${cid.slice(0, -2)}#${key}`, 'CID: malformed CID bytes'],
  ['key uppercase', `shoal:${cid}#${key.toUpperCase()}`, 'key: bad base32: uppercase character'],
  ['key padded', `shoal:${cid}#${key}====`, 'key: bad base32: character "="'],
  ['key with non-zero padding bits', `shoal:${cid}#${key.slice(0, -1)}b`, 'non-zero padding bits'],
  ['key of 16 bytes', `shoal:${cid}#${base32.baseEncode(keyBytes.subarray(0, 16))}`, 'key is 26 characters, expected 52'],
  ['key of 64 bytes', `shoal:${cid}#${base32.baseEncode(new Uint8Array(64))}`, 'key is 103 characters'],
  ['trailing junk after the key', `${valid}aaaa`, 'key is 56 characters, expected 52'],
  ['query after the key', `${valid}?x=1`, 'key: bad base32: character "?"'],
  ['query before the #', valid.replace('#', '?x=1#'), 'CID: bad base32: character "?"']
]

test('a table of malformed capabilities, each refused with a specific message', () => {
  assert.ok(cases.length >= 15)
  for (const [what, input, fragment] of cases) {
    const err = throwsWith(() => parseCapability(input as string), InvalidCapabilityError, fragment) as InvalidCapabilityError
    assert.is(err.code, 'ERR_INVALID_CAPABILITY', what)
    assert.is(err.name, 'InvalidCapabilityError', what)
    assert.ok(err.message.startsWith('invalid capability: '), what)
  }
})

test('the URI the table is built from is valid', () => {
  assert.is(parseCapability(valid).cid.toString(), cid)
  assert.is(valid, `shoal:${cid}#${key}`)
})

test('oversize input is refused without being scanned', () => {
  const huge = 'shoal:' + 'b'.repeat(50_000_000)
  const started = performance.now()
  throwsWith(() => parseCapability(huge), InvalidCapabilityError, 'too long')
  assert.ok(performance.now() - started < 50)
})

test.run()
