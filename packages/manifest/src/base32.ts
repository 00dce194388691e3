// Kept, not multiformats' base32: that decoder is case-insensitive; this one takes only the canonical spelling.
// RFC 4648 base32, lowercase, unpadded: it accepts exactly what `encodeBase32` produces,
// so parse ∘ format is the identity and a capability or CID has one spelling.

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'
const INDEX = new Int8Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i

export function encodeBase32 (bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += ALPHABET[(buffer >> bits) & 31]
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31]
  return out
}

/** The first character of `text` outside the lowercase base32 alphabet, described. */
export function base32CharacterProblem (text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 128 || INDEX[c] < 0) {
      const shown = JSON.stringify(text[i])
      return c >= 65 && c <= 90
        ? `uppercase character ${shown} at offset ${i} (base32 must be lowercase)`
        : `character ${shown} at offset ${i} is not base32 (a-z, 2-7)`
    }
  }
  return undefined
}

/** Why `text` is not canonical base32, or undefined if it is. */
export function base32Problem (text: string): string | undefined {
  const characters = base32CharacterProblem(text)
  if (characters !== undefined) return characters
  const tailBits = (text.length * 5) % 8
  // 1, 3 and 6 trailing characters can never come from whole bytes
  if (tailBits >= 5) return `length ${text.length} is not a possible base32 length`
  if (tailBits > 0 && (INDEX[text.charCodeAt(text.length - 1)] & ((1 << tailBits) - 1)) !== 0) {
    return 'non-zero padding bits in the last character (not canonical base32)'
  }
  return undefined
}

/** Decodes canonical base32; call `base32Problem` first, this assumes a valid string. */
export function decodeBase32 (text: string): Uint8Array {
  const out = new Uint8Array(Math.floor(text.length * 5 / 8))
  let buffer = 0
  let bits = 0
  let written = 0
  for (let i = 0; i < text.length; i++) {
    buffer = ((buffer << 5) | INDEX[text.charCodeAt(i)]) & 0xfff
    bits += 5
    if (bits >= 8) {
      bits -= 8
      out[written++] = (buffer >> bits) & 0xff
    }
  }
  return out
}
