// Reading frames from and writing bytes to a libp2p v3 stream, with backpressure both ways.
//
// Two v3 behaviours shape this file:
// - A stream's async iterator buffers whatever arrives without limit, and it ends on the
//   peer's FIN even while paused data is still in the stream's read buffer (that data is
//   lost to it). So we read 'message' events into the FrameDecoder ourselves, pause the
//   stream (yamux then stops granting window) while the decoder holds a frame's worth,
//   and treat 'end' (read buffer drained after FIN), not 'remoteCloseWrite', as the end.
// - 'drain' fires on every yamux window update while the write buffer is non-empty, and
//   onDrain() resolves as soon as the muxer can take a byte more, not when our bytes are
//   gone. Sending frame after frame on 'drain' grows the buffer until the stream is reset
//   (StreamBufferError). So a writer waits for 'idle' (write buffer empty) instead.
import type { AbortOptions, Stream } from '@libp2p/interface'
import { FrameDecoder, MAX_FRAME_BYTES } from '@shoal/protocol'

/** Sends bytes (or pieces, in order) and waits until the stream's write buffer has emptied into the muxer. */
export async function sendBytes (stream: Stream, bytes: Uint8Array | Uint8Array[], options: AbortOptions = {}): Promise<void> {
  if (bytes instanceof Uint8Array) stream.send(bytes)
  else for (const piece of bytes) stream.send(piece)
  if (stream.writeBufferLength === 0) return
  await waitFor(stream, () => stream.writeBufferLength === 0 || stream.writeStatus !== 'writable', ['idle', 'drain', 'close'], options)
  if (stream.writeBufferLength > 0) throw new Error(`stream ${stream.status} before its bytes were sent`)
}

export interface ReadFramesOptions extends AbortOptions {
  maxFrameBytes?: number
  /** where a body spanning several messages is assembled (FrameDecoder's allocate) */
  allocate?: (length: number) => Uint8Array
}

/**
 * Frame bodies from a stream, in order. Throws ProtocolError for a bad frame (or a
 * partial one at the end), and the stream's error if it is reset or aborted.
 */
export async function * readFrames (stream: Stream, options: ReadFramesOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const decoder = new FrameDecoder({ maxFrameBytes: options.maxFrameBytes, allocate: options.allocate })
  // pause once the decoder holds about a frame; the window caps what is in flight
  const highWater = (options.maxFrameBytes ?? MAX_FRAME_BYTES) + 64 * 1024
  let failure: unknown = null
  let ended = stream.readableEnded || stream.readStatus === 'closed'
  let wake: (() => void) | null = null
  const notify = (): void => { const w = wake; wake = null; w?.() }

  // libp2p v3's resume() hands us what it buffered while paused and only then grants the
  // sender window again: a pause made during that hand-over is undone at once, the read
  // buffer then outgrows its limit and the stream is reset. So while we resume, the
  // handler only buffers, and we pause again once resume() has returned.
  let resuming = false
  const pauseIfFull = (): void => {
    if (decoder.bufferedBytes > highWater && stream.readStatus === 'readable') stream.pause()
  }
  const resume = (): void => {
    resuming = true
    try {
      stream.resume()
    } finally {
      resuming = false
    }
    pauseIfFull()
  }

  const onMessage = (evt: { data: Uint8Array | Iterable<Uint8Array> }): void => {
    if (failure !== null) return
    try {
      if (evt.data instanceof Uint8Array) decoder.push(evt.data)
      else for (const piece of evt.data) decoder.push(piece)
      if (!resuming) pauseIfFull()
    } catch (err) {
      failure = err
    }
    notify()
  }
  const onEnd = (): void => { ended = true; notify() }
  const onClose = (evt: Event): void => {
    const error = (evt as Event & { error?: Error }).error
    if (error != null && failure === null) failure = error
    ended = true
    notify()
  }
  const onAbort = (): void => { if (failure === null) failure = options.signal?.reason ?? new Error('aborted'); notify() }

  stream.addEventListener('message', onMessage)
  stream.addEventListener('end', onEnd)
  stream.addEventListener('close', onClose)
  options.signal?.addEventListener('abort', onAbort)
  try {
    while (true) {
      if (failure !== null) throw failure
      const body = decoder.next()
      if (body !== null) {
        if (stream.readStatus === 'paused' && decoder.bufferedBytes <= highWater) resume()
        yield body
        continue
      }
      if (stream.readStatus === 'paused') resume()
      if (ended || stream.readableEnded) {
        decoder.end()
        for (let rest = decoder.next(); rest !== null; rest = decoder.next()) yield rest
        return
      }
      await new Promise<void>(resolve => { wake = resolve })
    }
  } finally {
    stream.removeEventListener('message', onMessage)
    stream.removeEventListener('end', onEnd)
    stream.removeEventListener('close', onClose)
    options.signal?.removeEventListener('abort', onAbort)
  }
}

async function waitFor (stream: Stream, done: () => boolean, events: Array<'idle' | 'drain' | 'close'>, options: AbortOptions): Promise<void> {
  options.signal?.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const check = (): void => { if (done()) finish() }
    const onAbort = (): void => { finish(options.signal?.reason ?? new Error('aborted')) }
    const finish = (err?: unknown): void => {
      for (const name of events) stream.removeEventListener(name, check)
      options.signal?.removeEventListener('abort', onAbort)
      if (err !== undefined) reject(err)
      else resolve()
    }
    for (const name of events) stream.addEventListener(name, check)
    options.signal?.addEventListener('abort', onAbort)
    check()
  })
}
