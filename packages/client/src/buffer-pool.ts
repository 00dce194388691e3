/**
 * Recycles chunk-sized ArrayBuffers. On these machines fresh memory is ~3x slower on
 * first touch (a page fault per 4 KiB), and a put would otherwise take two fresh
 * buffers per chunk (plaintext and sealed). Every buffer has the same capacity, big
 * enough for the largest sealed chunk, so any buffer serves any chunk; pages a small
 * chunk never touches are never made resident.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = []

  constructor (readonly capacity: number, private readonly keep: number) {}

  /** A view of `length` bytes at the start of a pooled (or new) buffer. */
  take (length: number): Uint8Array {
    if (length > this.capacity) return new Uint8Array(length)
    const buffer = this.free.pop() ?? new ArrayBuffer(this.capacity)
    return new Uint8Array(buffer, 0, length)
  }

  /** Hands a buffer back; the caller must not use any view of it afterwards. */
  give (buffer: ArrayBufferLike): void {
    if (buffer instanceof ArrayBuffer && buffer.byteLength === this.capacity && this.free.length < this.keep) {
      this.free.push(buffer)
    }
  }
}
