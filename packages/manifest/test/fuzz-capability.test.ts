// fast-check properties over capability URIs and chunk CIDs (docs/fuzzing.md): every
// valid one round-trips; mutated text parses only when it is the canonical spelling of
// what it parses to, and otherwise throws our typed error.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { comparable, fuzzParameters, hostileBytes, hostileText, typedOutcome } from '@shoal/fuzz'
import { decodeChunkCid, formatCapability, InvalidCapabilityError, InvalidCidError, parseCapability, parseChunkCid } from '../src/index.js'
import { capabilityArb, cidArb } from './fuzz-arbitraries.js'

test('parseCapability(formatCapability(x)) = x', () => {
  fc.assert(fc.property(capabilityArb, cap => {
    assert.equal(comparable(parseCapability(formatCapability(cap))), comparable(cap))
  }), fuzzParameters())
})

test('mutated capability URIs parse to what formats back to them, or throw InvalidCapabilityError', () => {
  fc.assert(fc.property(hostileText(capabilityArb.map(formatCapability), 300), uri => {
    const result = typedOutcome(() => parseCapability(uri), [InvalidCapabilityError.code])
    if (result.ok) assert.is(formatCapability(result.value), uri)
  }), fuzzParameters())
})

test('chunk CIDs: text and bytes round-trip; mutated ones parse canonically or throw InvalidCidError', () => {
  fc.assert(fc.property(cidArb, cid => {
    assert.ok(parseChunkCid(cid.toString()).equals(cid))
    assert.ok(decodeChunkCid(cid.bytes).equals(cid))
  }), fuzzParameters())
  fc.assert(fc.property(hostileText(cidArb.map(cid => cid.toString()), 300), text => {
    const result = typedOutcome(() => parseChunkCid(text), [InvalidCidError.code])
    if (result.ok) assert.is(result.value.toString(), text)
  }), fuzzParameters())
  fc.assert(fc.property(hostileBytes(cidArb.map(cid => cid.bytes)), bytes => {
    const result = typedOutcome(() => decodeChunkCid(bytes), [InvalidCidError.code])
    if (result.ok) assert.is(Buffer.from(result.value.bytes).toString('hex'), Buffer.from(bytes).toString('hex'))
  }), fuzzParameters())
})

test.run()
