// Frame input meant to hurt: giant or overlong length prefixes, truncation. Each is a
// ProtocolError with the right wire code, raised before the body is held.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeFrames, encodeFrame, FrameDecoder, MAX_FRAME_BYTES, ProtocolError } from '../src/index.js'
import { rejectsProtocol, throwsProtocol } from './helpers.js'

/** a minimal varint for n */
function varint (n: number): number[] {
  const out: number[] = []
  while (n >= 0x80) { out.push((n % 128) | 0x80); n = Math.floor(n / 128) }
  out.push(n)
  return out
}

test('a prefix claiming 4 GiB is refused at push, before any body is held', () => {
  const decoder = new FrameDecoder()
  const prefix = Uint8Array.from(varint(2 ** 32))
  assert.is(prefix.length, 5)
  throwsProtocol(() => decoder.push(prefix), 'TOO_LARGE', '4294967296 bytes')
  assert.is(decoder.bufferedBytes, 0)
  // and it stays failed: nothing more is buffered
  throwsProtocol(() => decoder.push(new Uint8Array(1 << 16)), 'TOO_LARGE')
  throwsProtocol(() => decoder.next(), 'TOO_LARGE')
  assert.is(decoder.bufferedBytes, 0)
})

test('a prefix one byte over the max is refused, one at the max is buffered', () => {
  throwsProtocol(() => new FrameDecoder().push(Uint8Array.from(varint(MAX_FRAME_BYTES + 1))), 'TOO_LARGE')
  const ok = new FrameDecoder()
  ok.push(Uint8Array.from(varint(MAX_FRAME_BYTES)))
  ok.push(new Uint8Array(10))
  assert.is(ok.next(), null)
  assert.is(ok.bufferedBytes, varint(MAX_FRAME_BYTES).length + 10)
})

test('the check happens as the prefix completes, even pushed byte by byte', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 1000 })
  const prefix = varint(1001)
  decoder.push(Uint8Array.of(prefix[0]))
  throwsProtocol(() => decoder.push(Uint8Array.of(prefix[1])), 'TOO_LARGE', '1000 byte maximum')
  assert.is(decoder.bufferedBytes, 0)
})

test('an oversized second frame is caught when reached', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 100 })
  decoder.push(Uint8Array.from([...encodeFrame(new Uint8Array(5)), ...varint(101)]))
  assert.is(decoder.next()?.length, 5)
  throwsProtocol(() => decoder.next(), 'TOO_LARGE')
})

test('non-minimal and overlong prefixes are BAD_REQUEST', () => {
  throwsProtocol(() => new FrameDecoder().push(Uint8Array.of(0x80, 0x00)), 'BAD_REQUEST', 'not minimally encoded')
  throwsProtocol(() => new FrameDecoder().push(Uint8Array.of(0x81, 0x80, 0x00)), 'BAD_REQUEST', 'not minimally encoded')
  throwsProtocol(() => new FrameDecoder().push(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)), 'BAD_REQUEST', 'longer than 5 bytes')
  throwsProtocol(() => new FrameDecoder({ maxFrameBytes: 2 ** 35 }).push(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff)), 'BAD_REQUEST', 'longer than 5 bytes')
  // 5 bytes is fine (and then too large)
  throwsProtocol(() => new FrameDecoder().push(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f)), 'TOO_LARGE')
})

test('truncated trailing frame at end() is BAD_REQUEST', () => {
  const frame = encodeFrame(new Uint8Array(300))
  for (const cut of [1, 2, 100, frame.length - 1]) {
    const decoder = new FrameDecoder()
    decoder.push(frame.subarray(0, cut))
    assert.is(decoder.next(), null)
    throwsProtocol(() => decoder.end(), 'BAD_REQUEST', 'input ended inside a frame')
  }
  const prefixOnly = new FrameDecoder()
  prefixOnly.push(Uint8Array.of(0x80))
  throwsProtocol(() => prefixOnly.end(), 'BAD_REQUEST', 'length prefix')
})

test('end() after whole frames is fine, and they can still be read', () => {
  const decoder = new FrameDecoder()
  decoder.push(Uint8Array.from([...encodeFrame(Uint8Array.of(1)), ...encodeFrame(Uint8Array.of(2))]))
  decoder.end()
  assert.equal([...decoder.next() ?? []], [1])
  assert.equal([...decoder.next() ?? []], [2])
  assert.is(decoder.next(), null)
})

test('encodeFrame refuses a body over the max', () => {
  throwsProtocol(() => encodeFrame(new Uint8Array(11), { maxFrameBytes: 10 }), 'TOO_LARGE')
})

test('decodeFrames throws typed errors on oversize and truncation', async () => {
  async function * of (...chunks: number[][]): AsyncGenerator<Uint8Array> { for (const c of chunks) yield Uint8Array.from(c) }
  const drain = async (source: AsyncIterable<Uint8Array>): Promise<void> => { for await (const _ of decodeFrames(source)) { /* drain */ } }
  await rejectsProtocol(drain(of(varint(2 ** 32))), 'TOO_LARGE')
  await rejectsProtocol(drain(of([3, 1], [2])), 'BAD_REQUEST', 'input ended inside a frame')
  const err = await rejectsProtocol(drain(of([0x80, 0x00])), 'BAD_REQUEST')
  assert.instance(err, ProtocolError)
})

test('seeded junk input only ever yields frames or ProtocolError', () => {
  for (let seed = 0; seed < 300; seed++) {
    const decoder = new FrameDecoder({ maxFrameBytes: 4096 })
    let state = seed
    try {
      for (let i = 0; i < 20; i++) {
        const chunk = new Uint8Array(1 + (seed * 7 + i * 13) % 97)
        for (let j = 0; j < chunk.length; j++) { state = (state * 1103515245 + 12345) >>> 0; chunk[j] = state >>> 24 }
        decoder.push(chunk)
        while (decoder.next() !== null) { /* drain */ }
        assert.ok(decoder.bufferedBytes <= 4096 + 5 + 97)
      }
      decoder.end()
    } catch (err) {
      assert.instance(err, ProtocolError, String(err))
    }
  }
})

test.run()
