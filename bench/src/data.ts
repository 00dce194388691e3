import { randomFillSync } from 'node:crypto'

export const MiB = 1024 * 1024

/** `total` bytes of random data in 1 MiB pieces (incompressible, like media). */
export function randomPieces (total: number): Buffer[] {
  const pieces: Buffer[] = []
  for (let n = 0; n < total; n += MiB) pieces.push(randomFillSync(Buffer.allocUnsafe(Math.min(MiB, total - n))))
  return pieces
}

/**
 * `total` bytes of text-like data in 1 MiB pieces: Zipf-distributed words from a
 * made-up 4,000-word vocabulary, with punctuation and line breaks. It compresses to
 * roughly a third, like prose or source code, without long verbatim repeats.
 */
export function textPieces (total: number, seed = 12345): Buffer[] {
  let x = seed
  const next = (): number => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 4294967296 }
  const letters = 'etaoinshrdlcumwfgypbvkjxqz'
  const vocabulary: string[] = []
  for (let i = 0; i < 4000; i++) {
    const len = 2 + Math.floor(next() * next() * 10)
    let w = ''
    for (let j = 0; j < len; j++) w += letters[Math.floor(next() * next() * letters.length)]
    vocabulary.push(w)
  }
  const pieces: Buffer[] = []
  let line = 0
  for (let n = 0; n < total; n += MiB) {
    const size = Math.min(MiB, total - n)
    const piece = Buffer.allocUnsafe(size)
    let at = 0
    while (at < size) {
      const word = vocabulary[Math.floor(vocabulary.length * Math.pow(next(), 3))]
      const sep = ++line % 13 === 0 ? '.\n' : next() < 0.1 ? ', ' : ' '
      at += piece.write(word + sep, at)
    }
    pieces.push(piece)
  }
  return pieces
}
