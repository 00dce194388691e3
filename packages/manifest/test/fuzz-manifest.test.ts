// fast-check properties over manifests and directory entries (docs/fuzzing.md): every
// valid manifest round-trips, through the codec and through a seal; mutated encodings
// decode or throw our manifest errors, and what decodes is canonical.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { allocatedBy, comparable, fuzzParameters, hostileBytes, typedOutcome } from '@shoal/fuzz'
import { IntegrityError } from '@shoal/crypto'
import {
  decodeCbor, decodeManifest, encodeCbor, encodeManifest, InvalidManifestError, openManifest, sealManifest, UnsupportedManifestVersionError
} from '../src/index.js'
import { keyArb, manifestArb } from './fuzz-arbitraries.js'

const CODES = [InvalidManifestError.code, UnsupportedManifestVersionError.code]
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

test('decodeManifest(encodeManifest(x)) = x for every kind and version', () => {
  fc.assert(fc.property(manifestArb, manifest => {
    assert.equal(comparable(decodeManifest(encodeManifest(manifest))), comparable(manifest))
  }), fuzzParameters())
})

test('mutated encodings decode or throw a manifest error; anything decoded is canonical', () => {
  fc.assert(fc.property(hostileBytes(manifestArb.map(encodeManifest)), bytes => {
    const result = typedOutcome(() => decodeManifest(bytes), CODES)
    // one manifest, one encoding: what is accepted re-encodes to exactly the bytes read,
    // unless they carried fields this version ignores (then it re-encodes without them)
    if (result.ok) {
      const again = encodeManifest(result.value)
      if (again.length === bytes.length) assert.is(hex(again), hex(bytes))
      assert.equal(comparable(decodeManifest(again)), comparable(result.value))
    }
  }), fuzzParameters())
})

test('the CBOR profile reads only shortest forms: what it accepts re-encodes to as many bytes (key order aside)', () => {
  fc.assert(fc.property(hostileBytes(manifestArb.map(encodeManifest)), bytes => {
    let value: unknown
    try { value = decodeCbor(bytes) } catch { return } // its callers turn these into their typed errors
    assert.is(encodeCbor(value).length, bytes.length, hex(bytes))
  }), fuzzParameters())
})

// what the property above found (shrunk by hand to one field): 1.0 as a
// float read as the integer 1, a second encoding of one manifest or message
test('regression: a whole number written as a float is refused', () => {
  const version = (float: string): Uint8Array => Uint8Array.from(Buffer.from(`a167${Buffer.from('version').toString('hex')}${float}`, 'hex'))
  for (const float of ['f93c00', 'fa3f800000', 'fb3ff0000000000000']) {
    assert.throws(() => decodeCbor(version(float)), /whole number written as a CBOR float/)
    assert.not.ok(typedOutcome(() => decodeManifest(version(float)), CODES).ok)
  }
})

test('openManifest(sealManifest(x)) = x; altered sealed bytes throw IntegrityError, a wrong key too', () => {
  fc.assert(fc.property(manifestArb, keyArb, fc.nat(), fc.nat({ max: 7 }), (manifest, key, at, bit) => {
    const { sealed } = sealManifest(manifest, key)
    assert.equal(comparable(openManifest(sealed, key)), comparable(manifest))
    const altered = Uint8Array.from(sealed)
    altered[at % altered.length] ^= 1 << bit
    assert.is(typedOutcome(() => openManifest(altered, key), [IntegrityError.code]).ok, false)
  }), fuzzParameters(2000))
  fc.assert(fc.property(hostileBytes(fc.uint8Array({ minLength: 40, maxLength: 200 })), keyArb, (sealed, key) => {
    typedOutcome(() => openManifest(sealed, key), [IntegrityError.code, ...CODES])
  }), fuzzParameters())
})

test('manifests claiming 2^32 chunks, entries or bytes are refused without allocating them', () => {
  const claims = [
    // { chunks: [<2^32 items>] } and the same as a map, a byte string and text
    [0xa1, 0x66, ...Buffer.from('chunks'), 0x9a, 0xff, 0xff, 0xff, 0xff],
    [0xa1, 0x67, ...Buffer.from('entries'), 0xba, 0xff, 0xff, 0xff, 0xff],
    [0xa1, 0x64, ...Buffer.from('name'), 0x7b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00],
    [0xa1, 0x63, ...Buffer.from('key'), 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    [0x9b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
  ].map(bytes => Uint8Array.from(bytes))
  for (const bytes of claims) {
    const grew = allocatedBy(() => assert.not.ok(typedOutcome(() => decodeManifest(bytes), CODES).ok))
    assert.ok(grew < 16 * 1024 * 1024, `${hex(bytes)}: ${grew} bytes allocated`)
  }
})

test.run()
