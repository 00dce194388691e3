// Checks at the package boundary: every public function validates its byte arguments
// here, so the primitives below can trust their inputs and wrong-length keys fail with
// a clear message instead of deep inside OpenSSL or noble.

/** True for Uint8Array (and Buffer), including ones made in another realm. */
export function isBytes (value: unknown): value is Uint8Array {
  return value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && value.constructor?.name === 'Uint8Array')
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (ArrayBuffer.isView(value)) return value.constructor.name
  return typeof value
}

export function assertBytes (value: unknown, what: string): asserts value is Uint8Array {
  if (!isBytes(value)) throw new TypeError(`${what} must be a Uint8Array, got ${describe(value)}`)
}

export function assertLength (value: unknown, length: number, what: string): asserts value is Uint8Array {
  assertBytes(value, what)
  if (value.byteLength !== length) {
    throw new RangeError(`${what} must be ${length} bytes, got ${value.byteLength}`)
  }
}

export function assertOptionalBytes (value: unknown, what: string): asserts value is Uint8Array | undefined {
  if (value !== undefined) assertBytes(value, what)
}

/**
 * An output buffer may be the input itself (same memory, same start: encryption in
 * place) or disjoint from it. A shifted overlap is refused: the sliced node:crypto
 * path would overwrite input bytes it has not read yet.
 */
export function assertNoShiftedOverlap (input: Uint8Array, output: Uint8Array, what: string): void {
  if (input.buffer !== output.buffer || input.byteOffset === output.byteOffset) return
  const inStart = input.byteOffset
  const inEnd = inStart + input.byteLength
  const outStart = output.byteOffset
  const outEnd = outStart + output.byteLength
  if (inStart < outEnd && outStart < inEnd) {
    throw new RangeError(`${what} overlaps its input at a different offset; use the same start (in place) or separate memory`)
  }
}
