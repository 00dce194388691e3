// Frames: an unsigned varint length prefix, then that many body bytes.
//
// FrameDecoder reads a frame's prefix as soon as it has arrived and refuses an oversized
// length before it holds a byte of the body. It keeps pushed chunks as views (no copy);
// a body inside one chunk is returned as a view of it, a body spanning chunks is copied
// once into a buffer of exactly its size. Tiny pushes are gathered into a scratch
// buffer, so a peer that trickles single bytes costs memory per byte, not per push.
import { ProtocolError } from './errors.js'
import { MAX_FRAME_BYTES } from './limits.js'
import { readVarint, varintLength, writeVarint } from './varint.js'

export interface FrameOptions {
  /** Largest body accepted or written; default MAX_FRAME_BYTES. */
  maxFrameBytes?: number
}

export interface FrameDecoderOptions extends FrameOptions {
  /**
   * Where a body that spans several pushed chunks is assembled (at least `length` bytes),
   * asked at the moment it is assembled, e.g. from a pool the consumer recycles.
   * Default: a fresh unfilled Buffer.
   */
  allocate?: (length: number) => Uint8Array
}

/** Pushes smaller than this are copied into scratch rather than kept as views. */
const SMALL_PUSH = 1024
const SCRATCH_BYTES = 16 * 1024

function maxOf (options: FrameOptions): number {
  const max = options.maxFrameBytes ?? MAX_FRAME_BYTES
  if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`maxFrameBytes must be a non-negative integer, got ${max}`)
  return max
}

/** One frame: the length prefix and the body, in a new buffer. */
export function encodeFrame (body: Uint8Array, options: FrameOptions = {}): Uint8Array {
  const max = maxOf(options)
  if (!(body instanceof Uint8Array)) throw new TypeError('frame body must be a Uint8Array')
  if (body.length > max) throw new ProtocolError('TOO_LARGE', `frame body of ${body.length} bytes exceeds the ${max} byte maximum`)
  const prefix = varintLength(body.length)
  const frame = new Uint8Array(prefix + body.length)
  writeVarint(body.length, frame, 0)
  frame.set(body, prefix)
  return frame
}

export class FrameDecoder {
  readonly maxFrameBytes: number
  private chunks: Uint8Array[] = []
  /** index of the first live chunk, and how much of it is consumed */
  private head = 0
  private offset = 0
  private buffered = 0
  /** the current frame's prefix, once read */
  private prefixBytes = 0
  private bodyBytes = -1
  private scratch: Uint8Array | null = null
  private scratchUsed = 0
  private scratchView: Uint8Array | null = null
  private scratchViewStart = 0
  private ended = false
  private failure: ProtocolError | null = null
  private readonly allocate: ((length: number) => Uint8Array) | undefined

  constructor (options: FrameDecoderOptions = {}) {
    this.maxFrameBytes = maxOf(options)
    this.allocate = options.allocate
  }

  /** Bytes held and not yet returned as frames. */
  get bufferedBytes (): number { return this.buffered }

  /**
   * Adds input. Throws ProtocolError as soon as the pending frame's prefix is bad or
   * too large. A body returned later may be a view of `bytes`: do not reuse it.
   */
  push (bytes: Uint8Array): void {
    this.rethrow()
    if (this.ended) throw new Error('FrameDecoder: push after end')
    if (!(bytes instanceof Uint8Array)) throw new TypeError('FrameDecoder: push takes a Uint8Array')
    if (bytes.length === 0) return
    if (bytes.length < SMALL_PUSH) this.appendSmall(bytes)
    else this.chunks.push(bytes)
    this.buffered += bytes.length
    if (this.bodyBytes < 0) this.readPrefix()
  }

  /** The next complete frame body, or null until more input arrives (after end(): until none is left). */
  next (): Uint8Array | null {
    this.rethrow()
    if (this.bodyBytes < 0 && !this.readPrefix()) {
      if (this.ended && this.buffered > 0) this.fail(new ProtocolError('BAD_REQUEST', `input ended inside a frame length prefix (${this.buffered} bytes)`))
      return null
    }
    if (this.buffered < this.prefixBytes + this.bodyBytes) {
      if (this.ended) this.truncated()
      return null
    }
    this.consume(this.prefixBytes)
    const body = this.take(this.bodyBytes)
    this.bodyBytes = -1
    return body
  }

  /**
   * No more input will come. Throws ProtocolError (BAD_REQUEST) if what is buffered
   * cannot be a whole frame; complete frames still buffered can be read with next().
   */
  end (): void {
    this.rethrow()
    this.ended = true
    if (this.buffered === 0) return
    if (this.bodyBytes < 0 && !this.readPrefix()) {
      this.fail(new ProtocolError('BAD_REQUEST', `input ended inside a frame length prefix (${this.buffered} bytes)`))
    }
    if (this.buffered < this.prefixBytes + this.bodyBytes) this.truncated()
  }

  private truncated (): never {
    return this.fail(new ProtocolError('BAD_REQUEST', `input ended inside a frame: ${this.buffered - this.prefixBytes} of ${this.bodyBytes} body bytes`))
  }

  private rethrow (): void {
    if (this.failure !== null) throw this.failure
  }

  /** A decoder that failed stays failed and lets go of its input. */
  private fail (err: ProtocolError): never {
    this.failure = err
    this.chunks = []
    this.head = this.offset = this.buffered = 0
    this.scratch = this.scratchView = null
    throw err
  }

  private readPrefix (): boolean {
    let read
    try {
      read = readVarint(i => this.byteAt(i))
    } catch (err) {
      return this.fail(err as ProtocolError)
    }
    if (read === null) return false
    if (read.value > this.maxFrameBytes) {
      this.fail(new ProtocolError('TOO_LARGE', `frame of ${read.value} bytes exceeds the ${this.maxFrameBytes} byte maximum`))
    }
    this.prefixBytes = read.bytes
    this.bodyBytes = read.value
    return true
  }

  private byteAt (i: number): number | undefined {
    if (i >= this.buffered) return undefined
    let at = this.offset + i
    for (let c = this.head; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]
      if (at < chunk.length) return chunk[at]
      at -= chunk.length
    }
    return undefined
  }

  private appendSmall (bytes: Uint8Array): void {
    if (this.scratch === null || this.scratchUsed + bytes.length > this.scratch.length) {
      this.scratch = new Uint8Array(SCRATCH_BYTES)
      this.scratchUsed = 0
      this.scratchView = null
    }
    this.scratch.set(bytes, this.scratchUsed)
    const end = this.scratchUsed + bytes.length
    const last = this.chunks.length - 1
    if (last >= this.head && this.scratchView !== null && this.chunks[last] === this.scratchView) {
      // grow the view the last push made (bytes already consumed from it stay behind `offset`)
      this.scratchView = this.scratch.subarray(this.scratchViewStart, end)
      this.chunks[last] = this.scratchView
    } else {
      this.scratchViewStart = this.scratchUsed
      this.scratchView = this.scratch.subarray(this.scratchUsed, end)
      this.chunks.push(this.scratchView)
    }
    this.scratchUsed = end
  }

  /** Drops n buffered bytes. */
  private consume (n: number): void {
    this.buffered -= n
    while (n > 0) {
      const rest = this.chunks[this.head].length - this.offset
      if (n < rest) { this.offset += n; return }
      n -= rest
      this.head++
      this.offset = 0
    }
    this.compact()
  }

  /** The next n bytes: a view when they lie in one chunk, else one exact copy. */
  private take (n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0)
    const first = this.chunks[this.head]
    if (first.length - this.offset >= n) {
      const body = first.subarray(this.offset, this.offset + n)
      this.consume(n)
      return body
    }
    // not zero-filled (every byte is written below), and a Buffer, so a CBOR decode of
    // it hands out views rather than copies
    const body = this.allocate === undefined ? Buffer.allocUnsafe(n) : asBuffer(this.allocate(n), n)
    let filled = 0
    let c = this.head
    let at = this.offset
    while (filled < n) {
      const piece = this.chunks[c].subarray(at, at + n - filled)
      body.set(piece, filled)
      filled += piece.length
      c++
      at = 0
    }
    this.consume(n)
    return body
  }

  private compact (): void {
    if (this.head === this.chunks.length) {
      this.chunks = []
      this.head = 0
    } else if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head)
      this.head = 0
    }
  }
}

function asBuffer (bytes: Uint8Array, length: number): Buffer {
  if (bytes.byteLength < length) throw new RangeError(`allocate(${length}) returned ${bytes.byteLength} bytes`)
  return Buffer.from(bytes.buffer, bytes.byteOffset, length)
}

/** Anything that iterates as Uint8Array pieces, such as a Uint8ArrayList. */
export type ByteList = Iterable<Uint8Array>

/**
 * Frame bodies from a byte stream (a libp2p stream source yields Uint8Array or
 * Uint8ArrayList). Throws ProtocolError on an oversized, malformed or truncated frame.
 */
export async function * decodeFrames (source: AsyncIterable<Uint8Array | ByteList>, options: FrameOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const decoder = new FrameDecoder(options)
  for await (const chunk of source) {
    if (chunk instanceof Uint8Array) decoder.push(chunk)
    else for (const piece of chunk) decoder.push(piece)
    for (let body = decoder.next(); body !== null; body = decoder.next()) yield body
  }
  decoder.end()
  for (let body = decoder.next(); body !== null; body = decoder.next()) yield body
}

/** Frames for a stream of bodies. */
export async function * encodeFrames (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: FrameOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const body of source) yield encodeFrame(body, options)
}
