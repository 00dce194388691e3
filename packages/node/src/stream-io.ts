// Writing to a libp2p v3 stream with backpressure, and reading frames from one.
import type { Stream } from '@libp2p/interface'
import { decodeFrames } from '@shoal/protocol'

/** Sends bytes; when the stream's buffer is full, waits for it to drain. */
export async function sendBytes (stream: Stream, bytes: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<void> {
  if (!stream.send(bytes)) await stream.onDrain(options)
}

/**
 * Frame bodies from a stream. A stream's async iterator buffers whatever arrives without
 * limit, so while the consumer works on a frame the stream is paused (no 'message'
 * events; yamux stops granting window) and resumed when the next frame is wanted. The
 * read buffer is then bounded by the muxer window and `maxReadBufferLength`.
 */
export async function * readFrames (stream: Stream, options: { maxFrameBytes?: number } = {}): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const body of decodeFrames(pausingSource(stream), options)) {
    yield body
  }
}

async function * pausingSource (stream: Stream): AsyncGenerator<Uint8Array | Iterable<Uint8Array>, void, undefined> {
  for await (const chunk of stream) {
    pause(stream)
    yield chunk
    resume(stream)
  }
}

function pause (stream: Stream): void {
  if (stream.readStatus === 'readable') stream.pause()
}

function resume (stream: Stream): void {
  if (stream.readStatus === 'paused') stream.resume()
}
