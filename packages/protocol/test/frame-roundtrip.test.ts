// Frames survive any split of the input: whole, 1-byte pushes, random splits, many per push.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeFrames, encodeFrame, encodeFrames, FrameDecoder, MAX_FRAME_BYTES } from '../src/index.js'
import { concat, prng } from './helpers.js'

const SIZES = [0, 1, 127, 128, 16383, 16384, 4 * 1024 * 1024]
const rng = prng(42)
const bodies = SIZES.map(n => rng.bytes(n))

function feed (decoder: FrameDecoder, input: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = []
  let at = 0
  for (const cut of [...cuts, input.length]) {
    decoder.push(input.subarray(at, cut))
    at = cut
    for (let body = decoder.next(); body !== null; body = decoder.next()) out.push(body)
  }
  decoder.end()
  assert.is(decoder.next(), null)
  assert.is(decoder.bufferedBytes, 0)
  return out
}

function same (actual: Uint8Array[], expected: Uint8Array[]): void {
  assert.is(actual.length, expected.length)
  actual.forEach((body, i) => assert.ok(Buffer.from(body).equals(expected[i]), `frame ${i} differs`))
}

test('prefix lengths at the varint boundaries', () => {
  assert.equal([...encodeFrame(new Uint8Array(0))], [0])
  assert.is(encodeFrame(bodies[2]).length, 127 + 1)
  assert.equal([...encodeFrame(bodies[3]).subarray(0, 2)], [0x80, 0x01])
  assert.is(encodeFrame(bodies[4]).length, 16383 + 2)
  assert.equal([...encodeFrame(bodies[5]).subarray(0, 3)], [0x80, 0x80, 0x01])
  assert.ok(MAX_FRAME_BYTES > 4 * 1024 * 1024 + 16)
})

test('each size round-trips pushed whole', () => {
  for (const body of bodies) same(feed(new FrameDecoder(), encodeFrame(body), []), [body])
})

test('1-byte pushes', () => {
  for (const body of bodies) {
    const frame = encodeFrame(body)
    const cuts = body.length > 20_000 ? [] : Array.from({ length: frame.length - 1 }, (_, i) => i + 1)
    if (body.length > 20_000) {
      // the 4 MiB frame byte by byte, still exact
      const decoder = new FrameDecoder()
      let got: Uint8Array | null = null
      for (let i = 0; i < frame.length; i++) {
        decoder.push(frame.subarray(i, i + 1))
        const next = decoder.next()
        if (next !== null) { assert.is(i, frame.length - 1); got = next }
      }
      assert.ok(got !== null && Buffer.from(got).equals(body))
      assert.is(decoder.bufferedBytes, 0)
    } else {
      same(feed(new FrameDecoder(), frame, cuts), [body])
    }
  }
})

test('all sizes back to back, in seeded random splits', () => {
  const stream = concat(bodies.map(b => encodeFrame(b)))
  for (let seed = 1; seed <= 20; seed++) {
    const r = prng(seed)
    const cuts = [...new Set(Array.from({ length: r.int(200) }, () => r.int(stream.length)))].sort((a, b) => a - b)
    same(feed(new FrameDecoder(), stream, cuts), bodies)
  }
})

test('many frames in one push', () => {
  const small = Array.from({ length: 1000 }, (_, i) => rng.bytes(i % 300))
  const out = feed(new FrameDecoder(), concat(small.map(b => encodeFrame(b))), [])
  same(out, small)
})

test('a body inside one pushed chunk is a view, not a copy', () => {
  const frame = encodeFrame(bodies[5])
  const decoder = new FrameDecoder()
  decoder.push(frame)
  const body = decoder.next()
  assert.ok(body !== null && body.buffer === frame.buffer)
})

test('a body spanning pushes is assembled where allocate says; one inside a push stays a view', () => {
  const big = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff)
  const frame = encodeFrame(big)
  const pool = new ArrayBuffer(200_000)
  const asked: number[] = []
  const decoder = new FrameDecoder({ allocate: n => { asked.push(n); return new Uint8Array(pool, 0, n + 10) } })
  decoder.push(frame.subarray(0, 50_000))
  decoder.push(frame.subarray(50_000))
  const body = decoder.next()
  assert.ok(body !== null && body.buffer === pool, 'assembled in the given buffer')
  assert.is(body.byteLength, big.byteLength, 'exactly the body, not the spare bytes')
  assert.is(Buffer.compare(body, big), 0)
  assert.equal(asked, [big.byteLength])
  const whole = new FrameDecoder({ allocate: () => { throw new Error('not needed') } })
  whole.push(encodeFrame(big))
  assert.ok(Buffer.compare(whole.next() as Uint8Array, big) === 0, 'one push: a view, no allocation')
  const short = new FrameDecoder({ allocate: n => new Uint8Array(n - 1) })
  short.push(frame.subarray(0, 10))
  short.push(frame.subarray(10))
  assert.throws(() => short.next(), /allocate/)
})

test('decodeFrames over Uint8Array and Uint8ArrayList-like chunks', async () => {
  const stream = concat(bodies.slice(0, 6).map(b => encodeFrame(b)))
  async function * source (): AsyncGenerator<Uint8Array | Uint8Array[]> {
    yield stream.subarray(0, 3)
    yield [stream.subarray(3, 100), stream.subarray(100, 101)] // a list of pieces
    yield stream.subarray(101)
  }
  const out: Uint8Array[] = []
  for await (const body of decodeFrames(source())) out.push(body)
  same(out, bodies.slice(0, 6))

  const again: Uint8Array[] = []
  for await (const body of decodeFrames(encodeFrames(bodies.slice(0, 6)))) again.push(body)
  same(again, bodies.slice(0, 6))
})

test.run()
