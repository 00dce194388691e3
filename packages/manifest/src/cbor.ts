// The CBOR profile manifests are written in, and a decoder that bounds nesting.
//
// Writing: RFC 8949 §4.2.1 core deterministic encoding (shortest integer forms,
// definite lengths, map keys in bytewise order), so equal manifests give equal bytes.
// Reading: strict where ambiguity could hide data (minimal integers, no duplicate
// keys, no indefinite lengths, no tags, no whole-valued floats, no undefined/NaN/Infinity, no integers outside
// the safe range, text map keys only, text must be valid UTF-8) but not about key order, so a future writer
// that adds fields does not have to match our sorter to be read.
import { isUtf8 } from 'node:buffer'
import { decode, encode, rfc8949EncodeOptions, Tokenizer, Type } from 'cborg'
import type { DecodeOptions } from 'cborg'
import { MAX_CBOR_DEPTH } from './limits.js'

export function encodeCbor (value: unknown): Uint8Array {
  return encode(value, rfc8949EncodeOptions)
}

/**
 * Throws plain Errors (from cborg or the guards); the caller maps them. Also the
 * profile the chunk protocol's messages are read with (a shallower `maxDepth`).
 */
export function decodeCbor (bytes: Uint8Array, maxDepth: number = MAX_CBOR_DEPTH): unknown {
  const options: DecodeOptions = {
    strict: true,
    rejectDuplicateMapKeys: true,
    allowIndefinite: false,
    allowUndefined: false,
    allowNaN: false,
    allowInfinity: false,
    allowBigInt: false,
    useMaps: false,
    retainStringBytes: true // so text can be checked for valid UTF-8
  }
  options.tokenizer = new DepthBoundTokenizer(bytes, options, maxDepth)
  return decode(bytes, options)
}

type Token = ReturnType<Tokenizer['next']>

/**
 * cborg decodes recursively and has no depth limit: a few KB of nested one-element
 * arrays would overflow the stack. This tokenizer tracks how many items each open
 * container still expects and refuses to open one more than `maxDepth` deep, before
 * cborg recurses into it. It also refuses text that is not UTF-8, which cborg would
 * otherwise decode to U+FFFD, so that two different names could read as one.
 */
class DepthBoundTokenizer {
  private readonly inner: Tokenizer
  /** items still expected by each open container, innermost last */
  private readonly open: number[] = []

  constructor (bytes: Uint8Array, options: DecodeOptions, private readonly maxDepth: number) {
    this.inner = new Tokenizer(bytes, options)
  }

  done (): boolean { return this.inner.done() }
  pos (): number { return this.inner.pos() }

  next (): Token {
    const token = this.inner.next()
    if (this.open.length > 0) this.open[this.open.length - 1]--
    const isArray = Type.equals(token.type, Type.array)
    const isMap = Type.equals(token.type, Type.map)
    if (Type.equals(token.type, Type.tag)) throw new Error('CBOR tags are not allowed')
    // a whole-valued float reads as an integer: a second encoding of it (other floats fail the field checks)
    if (Type.equals(token.type, Type.float) && Number.isSafeInteger(token.value)) throw new Error(`a whole number written as a CBOR float, ending at byte ${this.inner.pos()}`)
    if (Type.equals(token.type, Type.string) && !isUtf8(token.byteValue ?? new Uint8Array(0))) {
      throw new Error(`text ending at byte ${this.inner.pos()} is not valid UTF-8`)
    }
    const items = isArray ? token.value as number : isMap ? 2 * (token.value as number) : 0
    if (items > 0) {
      if (this.open.length >= this.maxDepth) throw new Error(`CBOR nested more than ${this.maxDepth} deep`)
      this.open.push(items)
    } else {
      // a leaf (or empty container) may complete its parents
      while (this.open.length > 0 && this.open[this.open.length - 1] === 0) this.open.pop()
    }
    return token
  }
}
