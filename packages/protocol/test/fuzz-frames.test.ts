// fast-check properties over frames (docs/fuzzing.md): any bodies, cut into any pieces,
// come back whole and in order; a mutated stream yields frames or a ProtocolError,
// never holds more than it was given, and a huge length claim allocates nothing.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { allocatedBy, fuzzParameters, hostileBytes, typedOutcome } from '@shoal/fuzz'
import { decodeFrames, encodeFrame, FrameDecoder, MAX_FRAME_BYTES, ProtocolError } from '../src/index.js'

const CODES = [ProtocolError.code]
const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts))

/** Bodies mostly small, sometimes past the decoder's 1 KiB small-push threshold. */
const bodies = fc.array(fc.oneof({ weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 3000 }) }), { maxLength: 6 })
/** Where to cut a stream: offsets, reduced modulo its length. */
const cuts = fc.array(fc.nat(), { maxLength: 8 })

function cut (stream: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map(n => n % (stream.length + 1)))].sort((a, b) => a - b)
  const pieces: Uint8Array[] = []
  let from = 0
  for (const p of [...points, stream.length]) { pieces.push(stream.subarray(from, p)); from = p }
  return pieces
}

function varint (n: number): number[] {
  const out: number[] = []
  while (n >= 0x80) { out.push((n % 128) | 0x80); n = Math.floor(n / 128) }
  out.push(n)
  return out
}

/** Everything a decoder makes of these pieces: the bodies it returned, then end(). */
function readAll (pieces: Uint8Array[], maxFrameBytes?: number): Uint8Array[] {
  const decoder = new FrameDecoder({ maxFrameBytes })
  const out: Uint8Array[] = []
  let given = 0
  for (const piece of pieces) {
    decoder.push(piece)
    given += piece.length
    for (let body = decoder.next(); body !== null; body = decoder.next()) out.push(body)
    assert.ok(decoder.bufferedBytes <= given, 'holds more than it was given')
  }
  decoder.end()
  for (let body = decoder.next(); body !== null; body = decoder.next()) out.push(body)
  return out
}

test('frames of any bodies, cut into any pieces, decode to the same bodies', () => {
  fc.assert(fc.property(bodies, cuts, (list, at) => {
    const stream = concat(list.map(body => encodeFrame(body)))
    assert.equal(readAll(cut(stream, at)).map(b => Uint8Array.from(b)), list)
  }), fuzzParameters())
})

test('decodeFrames agrees with FrameDecoder on the same pieces', async () => {
  await fc.assert(fc.asyncProperty(bodies, cuts, async (list, at) => {
    const stream = concat(list.map(body => encodeFrame(body)))
    async function * source (): AsyncGenerator<Uint8Array> { yield * cut(stream, at) }
    const out: Uint8Array[] = []
    for await (const body of decodeFrames(source())) out.push(Uint8Array.from(body))
    assert.equal(out, list)
  }), fuzzParameters(2000))
})

test('a mutated stream yields frames or a ProtocolError, each frame within the limit', () => {
  const valid = bodies.map(list => concat(list.map(body => encodeFrame(body))))
  fc.assert(fc.property(hostileBytes(valid), cuts, fc.constantFrom(undefined, 0, 10, 1000, MAX_FRAME_BYTES), (stream, at, max) => {
    const result = typedOutcome(() => readAll(cut(stream, at), max), CODES)
    if (result.ok) {
      const limit = max ?? MAX_FRAME_BYTES
      for (const body of result.value) assert.ok(body.length <= limit)
      // what was accepted is exactly the input, reframed
      assert.equal(concat(result.value.map(body => encodeFrame(body, { maxFrameBytes: limit }))), Uint8Array.from(stream))
    }
  }), fuzzParameters())
})

test('a length prefix claiming up to 2^35 bytes, then a trickle, allocates no more than the trickle', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 35 - 1 }), fc.nat({ max: 64 }), (claim, trickle) => {
    const prefix = varint(claim)
    const decoder = new FrameDecoder()
    const result = typedOutcome(() => {
      decoder.push(Uint8Array.from(prefix))
      for (let i = 0; i < trickle; i++) decoder.push(Uint8Array.of(i))
      return decoder.next()
    }, CODES)
    if (result.ok) {
      assert.ok(claim <= MAX_FRAME_BYTES)
      assert.is(decoder.bufferedBytes, prefix.length + trickle - (result.value === null ? 0 : prefix.length + claim))
    } else {
      assert.ok(claim > MAX_FRAME_BYTES, `refused ${claim}: ${result.error.message}`)
    }
  }), fuzzParameters())
  const grew = allocatedBy(() => {
    const decoder = new FrameDecoder()
    decoder.push(Uint8Array.from(varint(MAX_FRAME_BYTES)))
    for (let i = 0; i < 1000; i++) decoder.push(Uint8Array.of(i & 0xff))
  })
  assert.ok(grew < 1024 * 1024, `${grew} bytes allocated for a trickle of 1000`)
})

test.run()
