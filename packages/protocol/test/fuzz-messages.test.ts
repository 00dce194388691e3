// fast-check properties over the message codec (docs/fuzzing.md): every valid message of
// both versions round-trips, and valid encodings mutated (or plain random bytes) decode
// to a message or throw ProtocolError, nothing else, in bounded memory.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { allocatedBy, comparable, fuzzParameters, hostileBytes, typedOutcome } from '@shoal/fuzz'
import {
  decodeRequest, decodeResponse, encodeFrame, encodeRequest, encodeRequestFrame, encodeResponse, encodeResponseFrame, packBitmap, unpackBitmap,
  PROTOCOL_VERSION, PROTOCOL_VERSION_2, ProtocolError, type ProtocolVersion, type Request, type Response
} from '../src/index.js'
import { requestArb, responseArb } from './fuzz-arbitraries.js'

const CODES = [ProtocolError.code]
const VERSIONS: ProtocolVersion[] = [PROTOCOL_VERSION, PROTOCOL_VERSION_2]
const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts))

/** Requests and responses are two codecs of one shape: an arbitrary, an encoder, a decoder, a framer. */
interface Codec<T> {
  name: string
  arb: (version: ProtocolVersion) => fc.Arbitrary<T>
  encode: (message: T, version: ProtocolVersion) => Uint8Array
  decode: (bytes: Uint8Array, version: ProtocolVersion) => T
  frame: (message: T, version: ProtocolVersion) => Uint8Array[]
}
const CODECS = [
  { name: 'request', arb: requestArb, encode: encodeRequest, decode: decodeRequest, frame: encodeRequestFrame } satisfies Codec<Request>,
  { name: 'response', arb: responseArb, encode: encodeResponse, decode: decodeResponse, frame: encodeResponseFrame } satisfies Codec<Response>
] as Array<Codec<unknown>>

for (const version of VERSIONS) {
  for (const { name, arb, encode, decode, frame } of CODECS) {
    test(`v${version}: ${name}: decode(encode(x)) = x, and the framed pieces are the same bytes`, () => {
      fc.assert(fc.property(arb(version), message => {
        const encoded = encode(message, version)
        assert.equal(comparable(decode(encoded, version)), comparable(message))
        assert.equal(concat(frame(message, version)), encodeFrame(encoded))
      }), fuzzParameters())
    })

    test(`v${version}: ${name}: mutated ones decode or throw ProtocolError; what decodes re-encodes to itself`, () => {
      const valid = arb(version).map(message => encode(message, version))
      fc.assert(fc.property(hostileBytes(valid), bytes => {
        const result = typedOutcome(() => decode(bytes, version), CODES)
        if (result.ok) assert.equal(comparable(decode(encode(result.value, version), version)), comparable(result.value))
      }), fuzzParameters())
    })

    test(`v${version}: ${name}: read on the other version's stream, it is refused with ProtocolError, never misread`, () => {
      const other = version === PROTOCOL_VERSION ? PROTOCOL_VERSION_2 : PROTOCOL_VERSION
      fc.assert(fc.property(arb(version), message => {
        assert.not.ok(typedOutcome(() => decode(encode(message, version), other), CODES).ok)
      }), fuzzParameters(1000))
    })
  }
}

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
