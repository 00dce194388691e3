// FastCDC 2020 cut-point search (nlfiedler/fastcdc-rs `cut_gear`, v2020) in native u64.
//
// The JS side owns the layout above __heap_base: a result area and an input window.
// It calls configure() once per chunker, copies input into the window, and calls
// cutAll(), which finds every cut it can decide and writes one 16-byte record per chunk:
// u64 gear hash at the cut, u32 chunk length, u32 unused.

import { GEAR, GEAR_LS, MASKS } from './tables'

let minSize: usize = 0
let avgSize: usize = 0
let maxSize: usize = 0
let maskS: u64 = 0
let maskL: u64 = 0
let maskSLs: u64 = 0
let maskLLs: u64 = 0
// Hash carried between the two scan phases and out of cut(); written only on exit.
let hash: u64 = 0

/** Start of memory the JS side may use; everything below holds the tables. */
export function heapBase (): usize {
  return __heap_base
}

export function gearTable (): usize {
  return GEAR
}

export function gearLsTable (): usize {
  return GEAR_LS
}

/** Sizes are validated by the caller; `bits` is the rounded log2 of avgSize. */
export function configure (min: usize, avg: usize, max: usize, bits: i32, level: i32): void {
  minSize = min
  avgSize = avg
  maxSize = max
  maskS = load<u64>(MASKS + (<usize>(bits + level) << 3))
  maskL = load<u64>(MASKS + (<usize>(bits - level) << 3))
  maskSLs = maskS << 1
  maskLLs = maskL << 1
}

// Scans byte pairs [from, to) of src, continuing `hash`. Returns the cut offset, or -1.
// Per pair at even offset a, exactly as the reference:
//   h = (h << 2) + GEAR_LS[src[a]];  if (h & maskLs) == 0 return (h, a)
//   h = h + GEAR[src[a + 1]];        if (h & mask) == 0   return (h, a + 1)
// Both returns are one byte short of the byte that triggered them; that is the reference's
// behaviour and is kept. Two pairs per iteration is the fastest variant measured under V8
// (bench/README.md, "Chunker scan loop").
// @ts-ignore: decorator
@inline
function scan (src: usize, from: usize, to: usize, mask: u64, maskLs: u64): isize {
  let h = hash
  let p = src + from
  const end = src + to
  const pairsEnd = end - ((to - from) & 3) // to - from is even: stop before an odd pair
  while (p < pairsEnd) {
    h = (h << 2) + load<u64>(GEAR_LS + (<usize>load<u8>(p) << 3))
    if ((h & maskLs) == 0) return found(h, p - src)
    h = h + load<u64>(GEAR + (<usize>load<u8>(p, 1) << 3))
    if ((h & mask) == 0) return found(h, p - src + 1)
    h = (h << 2) + load<u64>(GEAR_LS + (<usize>load<u8>(p, 2) << 3))
    if ((h & maskLs) == 0) return found(h, p - src + 2)
    h = h + load<u64>(GEAR + (<usize>load<u8>(p, 3) << 3))
    if ((h & mask) == 0) return found(h, p - src + 3)
    p += 4
  }
  if (p < end) {
    h = (h << 2) + load<u64>(GEAR_LS + (<usize>load<u8>(p) << 3))
    if ((h & maskLs) == 0) return found(h, p - src)
    h = h + load<u64>(GEAR + (<usize>load<u8>(p, 1) << 3))
    if ((h & mask) == 0) return found(h, p - src + 1)
  }
  hash = h
  return -1
}

// @ts-ignore: decorator
@inline
function found (h: u64, at: usize): isize {
  hash = h
  return <isize>at
}

/** Length of the chunk that starts at src (len bytes available); its hash in `hash`. */
function cut (src: usize, len: usize): usize {
  let remaining = len
  if (remaining <= minSize) {
    hash = 0
    return remaining
  }
  let center = avgSize
  if (remaining > maxSize) {
    remaining = maxSize
  } else if (remaining < center) {
    center = remaining
  }
  const start = (minSize >> 1) << 1
  const end1 = (center >> 1) << 1
  const end2 = (remaining >> 1) << 1
  hash = 0
  let from = start
  if (start < end1) {
    const at = scan(src, start, end1, maskS, maskSLs)
    if (at >= 0) return <usize>at
    from = end1
  }
  const at = scan(src, from, end2, maskL, maskLLs)
  if (at >= 0) return <usize>at
  // No cut point: the largest chunk allowed (all-zero input ends here).
  return remaining
}

/**
 * Cuts chunks from the window [src, src + len) while the cut is decidable: a cut needs
 * maxSize bytes ahead of the chunk start, or the end of the input (eof). Writes up to
 * `capacity` records at `out` and returns how many it wrote.
 */
export function cutAll (src: usize, len: usize, eof: bool, out: usize, capacity: i32): i32 {
  let count = 0
  let offset: usize = 0
  while (count < capacity && offset < len) {
    const available = len - offset
    if (!eof && available < maxSize) break
    const length = cut(src + offset, available)
    store<u64>(out, hash)
    store<u32>(out, <u32>length, 8)
    out += 16
    offset += length
    count++
  }
  return count
}
