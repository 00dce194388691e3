import { MAX_REPLICAS, type Redundancy } from '@shoal/manifest'
import { UsageError } from './errors.js'

/** Pieces of one erasure-coded stripe, k + m, as the chunk protocol allows. */
const MAX_STRIPE_PIECES = 256

/**
 * `--redundancy replicate:R` (R whole copies) or `rs:K+M` (Reed-Solomon: stripes of K data
 * pieces and M parity pieces, any K of which rebuild the stripe).
 */
export function parseRedundancy (text: string, flag = '--redundancy'): Redundancy {
  const trimmed = text.trim().toLowerCase()
  const replicate = /^replicate:(\d+)$/.exec(trimmed)
  if (replicate !== null) {
    const replicas = Number(replicate[1])
    if (replicas < 1 || replicas > MAX_REPLICAS) throw new UsageError(`${flag}: '${text}': replicas must be from 1 to ${MAX_REPLICAS}`)
    return { scheme: 'replicate', replicas }
  }
  const rs = /^rs:(\d+)\+(\d+)$/.exec(trimmed)
  if (rs !== null) {
    const k = Number(rs[1])
    const m = Number(rs[2])
    if (k < 1 || m < 1 || k + m > MAX_STRIPE_PIECES) throw new UsageError(`${flag}: '${text}': K and M must be at least 1 and K + M at most ${MAX_STRIPE_PIECES}`)
    return { scheme: 'erasure', k, m }
  }
  throw new UsageError(`${flag}: '${text}' is not a redundancy scheme (replicate:3, or rs:4+2 for Reed-Solomon with 4 data and 2 parity pieces)`)
}

/** As the user writes it: replicate:3, rs:4+2. */
export function formatRedundancy (redundancy: Redundancy): string {
  return redundancy.scheme === 'replicate' ? `replicate:${redundancy.replicas}` : `rs:${redundancy.k}+${redundancy.m}`
}
