// Mutations of valid inputs: random bytes rarely get past a decoder's first check, a
// valid encoding with a byte flipped, cut short, extended or spliced reaches the rest.
import fc from 'fast-check'

type ByteMutation =
  | { kind: 'flip', at: number, bit: number }
  | { kind: 'set', at: number, value: number }
  | { kind: 'truncate', at: number }
  | { kind: 'insert', at: number, bytes: Uint8Array }
  | { kind: 'delete', at: number, count: number }
  | { kind: 'overwrite', at: number, bytes: Uint8Array }
  | { kind: 'append', bytes: Uint8Array }
  | { kind: 'splice', from: number, at: number, count: number }

/**
 * Bytes that mean something to CBOR and varint readers: length-follows headers (1, 2,
 * 4, 8 bytes), indefinite lengths, tags, simple values, floats, continuation bits.
 */
const INTERESTING_BYTES = [
  0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x20, 0x3b, 0x40, 0x58, 0x5a, 0x5b, 0x5f, 0x60, 0x78, 0x7a, 0x7b, 0x7f,
  0x80, 0x98, 0x9a, 0x9b, 0x9f, 0xa0, 0xb8, 0xba, 0xbb, 0xbf, 0xc0, 0xc2, 0xd8, 0xf4, 0xf5, 0xf6, 0xf7, 0xf9, 0xfa, 0xfb, 0xff
]

/** Headers that claim a huge length: a decoder must refuse them, not allocate what they say. */
const HUGE_CLAIMS = [
  [0x5a, 0xff, 0xff, 0xff, 0xff], [0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0x7a, 0x7f, 0xff, 0xff, 0xff],
  [0x9a, 0xff, 0xff, 0xff, 0xff], [0x9b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0xba, 0x7f, 0xff, 0xff, 0xff],
  [0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x10]
].map(bytes => Uint8Array.from(bytes))

/** Values with a second, longer spelling: 0 and 1 as floats of each width, 1 as a non-minimal integer. */
const SECOND_SPELLINGS = [
  [0xf9, 0x00, 0x00], [0xf9, 0x3c, 0x00], [0xfa, 0x3f, 0x80, 0x00, 0x00], [0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0], [0x18, 0x01], [0x19, 0x00, 0x01]
].map(bytes => Uint8Array.from(bytes))

const position = fc.nat({ max: 1 << 20 })
const insertion = fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.constantFrom(...HUGE_CLAIMS), fc.constantFrom(...SECOND_SPELLINGS))

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: position, value: fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.nat({ max: 255 })) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: insertion }),
  fc.record({ kind: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('overwrite' as const), at: position, bytes: insertion }),
  fc.record({ kind: fc.constant('append' as const), bytes: insertion }),
  fc.record({ kind: fc.constant('splice' as const), from: position, at: position, count: fc.integer({ min: 1, max: 64 }) })
)

function applyByteMutation (input: Uint8Array, m: ByteMutation): Uint8Array {
  const n = input.length
  const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts))
  switch (m.kind) {
    case 'flip': {
      if (n === 0) return input
      const out = Uint8Array.from(input)
      out[m.at % n] ^= 1 << m.bit
      return out
    }
    case 'set': {
      if (n === 0) return Uint8Array.of(m.value)
      const out = Uint8Array.from(input)
      out[m.at % n] = m.value
      return out
    }
    case 'truncate': return input.slice(0, m.at % (n + 1))
    case 'insert': return cat(input.subarray(0, m.at % (n + 1)), m.bytes, input.subarray(m.at % (n + 1)))
    case 'delete': return cat(input.subarray(0, m.at % (n + 1)), input.subarray(m.at % (n + 1) + m.count))
    case 'overwrite': return cat(input.subarray(0, m.at % (n + 1)), m.bytes, input.subarray(m.at % (n + 1) + m.bytes.length))
    case 'append': return cat(input, m.bytes)
    case 'splice': {
      const from = m.from % (n + 1)
      return cat(input.subarray(0, m.at % (n + 1)), input.subarray(from, from + m.count), input.subarray(m.at % (n + 1)))
    }
  }
}

/** A valid input from `valid`, then one to four `mutation`s of it, applied in turn. */
function mutatedBy<T, M> (valid: fc.Arbitrary<T>, mutation: fc.Arbitrary<M>, apply: (input: T, m: M) => T): fc.Arbitrary<T> {
  return fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([input, mutations]) => mutations.reduce(apply, input))
}

/** Mostly mutated inputs, some valid ones as they are, some plain random ones. */
function hostileOf<T> (valid: fc.Arbitrary<T>, mutated: fc.Arbitrary<T>, random: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 1, arbitrary: valid }, { weight: 6, arbitrary: mutated }, { weight: 1, arbitrary: random })
}

/** A valid encoding from `valid`, then one to four mutations of it. */
export function mutatedBytes (valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return mutatedBy(valid, byteMutation, applyByteMutation)
}

/** Valid encodings, mutated ones and plain random bytes, in one arbitrary. */
export function hostileBytes (valid: fc.Arbitrary<Uint8Array>, maxRandomBytes = 256): fc.Arbitrary<Uint8Array> {
  return hostileOf(valid, mutatedBytes(valid), fc.uint8Array({ maxLength: maxRandomBytes }))
}

/**
 * Characters that trip text parsers: separators, signs, exponents, units, whitespace
 * of several kinds, NUL, lone surrogates, look-alike digits and letters.
 */
const INTERESTING_TEXT = [
  '', ' ', '\t', '\n', '\r\n', '\0', '\u00a0', '\u2028', '\ufeff', '\ud800', '\udfff', '😀', 'é', 'а', '٣', '１',
  '-', '+', '.', ',', '_', ':', '/', '#', '?', '%', '=', '@', '[', ']', '"', "'", '\\', '*', 'e', 'E', 'x', '0x', 'Infinity', 'NaN',
  '0', '1', '9', '00', '999999999999999999999', '1e308', 'k', 'M', 'G', 'T', 'P', 'KiB', 'GiB', 's', 'ms', 'h', 'd', 'y'
]

type TextMutation =
  | { kind: 'truncate', at: number }
  | { kind: 'insert', at: number, text: string }
  | { kind: 'delete', at: number, count: number }
  | { kind: 'replace', at: number, text: string }
  | { kind: 'repeat', at: number, count: number }
  | { kind: 'case', at: number }

const textPiece = fc.oneof(fc.constantFrom(...INTERESTING_TEXT), fc.string({ maxLength: 4, unit: 'binary' }))
const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, text: textPiece }),
  fc.record({ kind: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: position, text: textPiece }),
  fc.record({ kind: fc.constant('repeat' as const), at: position, count: fc.integer({ min: 2, max: 64 }) }),
  fc.record({ kind: fc.constant('case' as const), at: position })
)

function applyTextMutation (input: string, m: TextMutation): string {
  const at = m.at % (input.length + 1)
  switch (m.kind) {
    case 'truncate': return input.slice(0, at)
    case 'insert': return input.slice(0, at) + m.text + input.slice(at)
    case 'delete': return input.slice(0, at) + input.slice(at + m.count)
    case 'replace': return input.slice(0, at) + m.text + input.slice(at + 1)
    case 'repeat': return input.slice(0, at) + input.slice(at, at + 1).repeat(m.count) + input.slice(at + 1)
    case 'case': {
      const c = input.slice(at, at + 1)
      return input.slice(0, at) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + input.slice(at + 1)
    }
  }
}

/** A valid text from `valid`, then one to four mutations of it. */
export function mutatedText (valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return mutatedBy(valid, textMutation, applyTextMutation)
}

/** Valid texts, mutated ones and arbitrary strings (any code point), in one arbitrary. */
export function hostileText (valid: fc.Arbitrary<string>, maxRandomLength = 64): fc.Arbitrary<string> {
  return hostileOf(valid, mutatedText(valid), fc.string({ maxLength: maxRandomLength, unit: 'binary' }))
}
