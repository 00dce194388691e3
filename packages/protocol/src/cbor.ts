// The CBOR profile messages are written in (the manifest package's, which it does not
// export): RFC 8949 §4.2.1 core deterministic encoding when writing; when reading,
// minimal integers, definite lengths, no tags, no undefined/NaN/Infinity, no integers
// outside the safe range, no duplicate keys, valid UTF-8 text, and bounded nesting.
import { isUtf8 } from 'node:buffer'
import { decode, encode, rfc8949EncodeOptions, Tokenizer, Type } from 'cborg'
import type { DecodeOptions } from 'cborg'
import { MAX_CBOR_DEPTH } from './limits.js'

export function encodeCbor (value: unknown): Uint8Array {
  return encode(value, rfc8949EncodeOptions)
}

/** Throws plain Errors (from cborg or the guards); the caller maps them. */
export function decodeCbor (bytes: Uint8Array): unknown {
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
  options.tokenizer = new GuardedTokenizer(bytes, options, MAX_CBOR_DEPTH)
  return decode(bytes, options)
}

type Token = ReturnType<Tokenizer['next']>

/**
 * cborg recurses without a depth limit, so a few KB of nested arrays would overflow the
 * stack: this refuses to open a container deeper than `maxDepth` before cborg recurses.
 * It also refuses tags and text that is not UTF-8 (cborg would read it as U+FFFD).
 */
class GuardedTokenizer {
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
    if (Type.equals(token.type, Type.string) && !isUtf8(token.byteValue ?? new Uint8Array(0))) {
      throw new Error(`text ending at byte ${this.inner.pos()} is not valid UTF-8`)
    }
    const items = isArray ? token.value as number : isMap ? 2 * (token.value as number) : 0
    if (items > 0) {
      if (this.open.length >= this.maxDepth) throw new Error(`CBOR nested more than ${this.maxDepth} deep`)
      this.open.push(items)
    } else {
      while (this.open.length > 0 && this.open[this.open.length - 1] === 0) this.open.pop()
    }
    return token
  }
}
