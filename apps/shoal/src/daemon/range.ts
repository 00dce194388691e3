// The one byte range a GET asks for. RFC 9110 §14.2: a Range header a server cannot use
// (another unit, bad syntax, a last byte before the first) is ignored, and the whole
// file answered (200); one that is valid but lies wholly past the end is 416.
import parseRange from 'range-parser'
import { RangeNotSatisfiableError } from './errors.js'

// first-last, first-, or -suffix
const RANGE_SPEC = /^\s*(?:(\d+)-(\d*)|-(\d+))\s*$/

/**
 * The range `header` asks of a file of `size` bytes (end inclusive), or null for the whole
 * file: no header, one to ignore, or several ranges (answered whole, as RFC 9110 lets a
 * server do: multipart/byteranges would cost more code than any client of ours needs).
 * @throws RangeNotSatisfiableError
 */
export function byteRange (header: string | undefined, size: number): { start: number, end: number } | null {
  const set = header === undefined ? null : /^\s*bytes\s*=(.*)$/i.exec(header)
  if (set === null) return null
  for (const spec of set[1].split(',')) {
    const parts = RANGE_SPEC.exec(spec)
    if (parts === null) return null
    if (parts[1] !== undefined && parts[2] !== '' && Number(parts[2]) < Number(parts[1])) return null
  }
  const ranges = parseRange(size, `bytes=${set[1]}`, { combine: true })
  if (ranges === -1) throw new RangeNotSatisfiableError(size)
  if (ranges === -2 || ranges.length !== 1) return null
  return { start: ranges[0].start, end: ranges[0].end }
}
