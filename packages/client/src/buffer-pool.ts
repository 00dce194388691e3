/**
 * Recycles chunk-sized ArrayBuffers. Fresh memory is slow on first touch (a page fault
 * per 4 KiB; bench/README.md, "Buffer pool"), and a put would otherwise take two fresh
 * buffers per chunk (plaintext and sealed). Every buffer has the same capacity, big
 * enough for the largest sealed chunk, so any buffer serves any chunk; pages a small
 * chunk never touches are never made resident.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = []

  constructor (readonly capacity: number, private readonly keep: number) {}

  /**
   * A view of `length` bytes at the start of a pooled (or new) buffer; a buffer of its
   * own for anything under `capacity / 16` (a small file, a file's tail). Those cost
   * little to touch, and handing out whole pooled buffers for them made V8 count 4 MiB
   * of external memory each, which brought on full GCs ("external memory pressure") once
   * many small files were put at once (bench/README.md, "Buffer pool").
   */
  take (length: number): Uint8Array {
    if (length > this.capacity || length < this.capacity / 16) return new Uint8Array(length)
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
