// fast-check properties over the message codec (docs/fuzzing.md): every valid message of
// both versions round-trips, and valid encodings mutated (or plain random bytes) decode
// to a message or throw ProtocolError, nothing else, in bounded memory.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { allocatedBy, comparable, fuzzParameters, hostileBytes, typedOutcome } from '@shoal/fuzz'
import {
  decodeRequest, decodeResponse, encodeFrame, encodeRequest, encodeRequestFrame, encodeResponse, encodeResponseFrame, packBitmap, unpackBitmap,
  PROTOCOL_VERSION, PROTOCOL_VERSION_2, ProtocolError, type ProtocolVersion
} from '../src/index.js'
import { requestArb, responseArb } from './fuzz-arbitraries.js'

const CODES = [ProtocolError.code]
const VERSIONS: ProtocolVersion[] = [PROTOCOL_VERSION, PROTOCOL_VERSION_2]
const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts))

for (const version of VERSIONS) {
  test(`v${version}: decodeRequest(encodeRequest(x)) = x, and the framed pieces are the same bytes`, () => {
    fc.assert(fc.property(requestArb(version), request => {
      const encoded = encodeRequest(request, version)
      assert.equal(comparable(decodeRequest(encoded, version)), comparable(request))
      assert.equal(concat(encodeRequestFrame(request, version)), encodeFrame(encoded))
    }), fuzzParameters())
  })

  test(`v${version}: decodeResponse(encodeResponse(x)) = x, and the framed pieces are the same bytes`, () => {
    fc.assert(fc.property(responseArb(version), response => {
      const encoded = encodeResponse(response, version)
      assert.equal(comparable(decodeResponse(encoded, version)), comparable(response))
      assert.equal(concat(encodeResponseFrame(response, version)), encodeFrame(encoded))
    }), fuzzParameters())
  })

  test(`v${version}: mutated requests decode to a request or throw ProtocolError; what decodes re-encodes to itself`, () => {
    const valid = requestArb(version).map(request => encodeRequest(request, version))
    fc.assert(fc.property(hostileBytes(valid), bytes => {
      const result = typedOutcome(() => decodeRequest(bytes, version), CODES)
      if (result.ok) assert.equal(comparable(decodeRequest(encodeRequest(result.value, version), version)), comparable(result.value))
    }), fuzzParameters())
  })

  test(`v${version}: mutated responses decode to a response or throw ProtocolError; what decodes re-encodes to itself`, () => {
    const valid = responseArb(version).map(response => encodeResponse(response, version))
    fc.assert(fc.property(hostileBytes(valid), bytes => {
      const result = typedOutcome(() => decodeResponse(bytes, version), CODES)
      if (result.ok) assert.equal(comparable(decodeResponse(encodeResponse(result.value, version), version)), comparable(result.value))
    }), fuzzParameters())
  })
}

test('a request read on the other version\'s stream is refused with ProtocolError, never misread', () => {
  fc.assert(fc.property(fc.constantFrom(...VERSIONS), fc.boolean(), (version, asRequest) => {
    const other = version === PROTOCOL_VERSION ? PROTOCOL_VERSION_2 : PROTOCOL_VERSION
    const bytes = asRequest
      ? encodeRequest(fc.sample(requestArb(version), 1)[0], version)
      : encodeResponse(fc.sample(responseArb(version), 1)[0], version)
    const result = typedOutcome(() => asRequest ? decodeRequest(bytes, other) : decodeResponse(bytes, other), CODES)
    assert.not.ok(result.ok)
  }), fuzzParameters(1000))
})

test('packBitmap/unpackBitmap round-trip; any bitmap and count give answers or ProtocolError', () => {
  fc.assert(fc.property(fc.array(fc.boolean(), { maxLength: 200 }), held => {
    assert.equal(unpackBitmap(packBitmap(held), held.length), held)
  }), fuzzParameters())
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 400 }), (bitmap, count) => {
    const result = typedOutcome(() => unpackBitmap(bitmap, count), CODES)
    if (result.ok) assert.equal(packBitmap(result.value), Uint8Array.from(bitmap))
  }), fuzzParameters())
})

test('a message whose byte string, array or map claims 4 GiB is refused without allocating it', () => {
  const claims = [
    [0xa1, 0x61, 0x62, 0x5a, 0xff, 0xff, 0xff, 0xff], // { b: <4 GiB of bytes> }
    [0xa1, 0x61, 0x62, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    [0xa1, 0x61, 0x62, 0x9a, 0xff, 0xff, 0xff, 0xff], // { b: [<2^32 items>] }
    [0xba, 0xff, 0xff, 0xff, 0xff], // a map of 2^32 pairs
    [0xa1, 0x61, 0x62, 0x7a, 0xff, 0xff, 0xff, 0xff] // text
  ].map(bytes => Buffer.from(bytes))
  for (const bytes of claims) {
    for (const version of VERSIONS) {
      const grew = allocatedBy(() => {
        assert.not.ok(typedOutcome(() => decodeRequest(bytes, version), CODES).ok)
        assert.not.ok(typedOutcome(() => decodeResponse(bytes, version), CODES).ok)
      })
      assert.ok(grew < 16 * 1024 * 1024, `${bytes.toString('hex')}: ${grew} bytes allocated`)
    }
  }
})

test.run()
