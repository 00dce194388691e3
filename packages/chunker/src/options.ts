import type { ChunkerOptions } from './index.js'

// Bounds of nlfiedler/fastcdc-rs v2020 (MINIMUM_MIN .. MAXIMUM_MAX). The reference only
// debug_asserts them; here they are enforced, together with min <= avg <= max, which
// the reference silently assumes (its stream and slice forms diverge without it).
export const LIMITS = {
  minSize: { min: 64, max: 1_048_576 },
  avgSize: { min: 256, max: 4_194_304 },
  maxSize: { min: 1024, max: 16_777_216 }
} as const

/** Options that fall outside what FastCDC 2020 (and its mask table) can do. */
export class InvalidChunkerOptionError extends RangeError {
  static readonly code = 'ERR_INVALID_CHUNKER_OPTION'
  readonly code = InvalidChunkerOptionError.code
  override name = 'InvalidChunkerOptionError'
  constructor (readonly option: keyof ChunkerOptions, message: string) {
    super(message)
  }
}

export interface ResolvedOptions {
  minSize: number
  avgSize: number
  maxSize: number
  normalization: 0 | 1 | 2 | 3
  /** round(log2(avgSize)): index of the mask whose target size is closest to avgSize. */
  bits: number
}

export function resolveOptions (options: ChunkerOptions | undefined, defaults: Required<ChunkerOptions>): ResolvedOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('chunker options must be an object')
  }
  // Only a missing (undefined) option takes the default; null is refused like any non-number.
  const pick = <K extends keyof ChunkerOptions>(key: K): ChunkerOptions[K] => options?.[key] === undefined ? defaults[key] : options[key]
  const minSize = pick('minSize') as number
  const avgSize = pick('avgSize') as number
  const maxSize = pick('maxSize') as number
  const normalization = pick('normalization')
  for (const option of ['minSize', 'avgSize', 'maxSize'] as const) {
    const value = { minSize, avgSize, maxSize }[option]
    const { min, max } = LIMITS[option]
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidChunkerOptionError(option, `${option} must be an integer from ${min} to ${max} bytes, got ${String(value)}`)
    }
  }
  if (minSize > avgSize) {
    throw new InvalidChunkerOptionError('minSize', `minSize (${minSize}) must not be larger than avgSize (${avgSize})`)
  }
  if (avgSize > maxSize) {
    throw new InvalidChunkerOptionError('maxSize', `maxSize (${maxSize}) must not be smaller than avgSize (${avgSize})`)
  }
  if (normalization !== 0 && normalization !== 1 && normalization !== 2 && normalization !== 3) {
    throw new InvalidChunkerOptionError('normalization', `normalization must be 0, 1, 2 or 3, got ${String(normalization)}`)
  }
  return { minSize, avgSize, maxSize, normalization, bits: roundedLog2(avgSize) }
}

/**
 * The reference's `logarithm2`: `(value as f64).log2().round()`, computed without floating
 * point. With k = floor(log2 v), log2 v rounds up exactly when v >= 2^k * sqrt(2), i.e.
 * v^2 >= 2^(2k+1); v^2 is a square, so never equal to an odd power of two (no ties).
 * Exact for v < 2^26 (v^2 < 2^52), which covers every allowed avgSize.
 */
export function roundedLog2 (value: number): number {
  const floor = 31 - Math.clz32(value)
  return value * value >= 2 ** (2 * floor + 1) ? floor + 1 : floor
}
