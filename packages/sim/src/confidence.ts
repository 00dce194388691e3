// From "k of n lost in a run of d days" to what a person asks: the chance of losing a file
// in a year, with how sure the run can be of it. The interval is Wilson's score interval
// (good for counts of zero and near it, where the normal approximation is not), and a
// loss chance over d days becomes one over a year as independent periods of d days.

export interface Estimate {
  estimate: number
  low: number
  high: number
}

/** z of a two-sided 95% interval */
export const Z95 = 1.959963984540054

/** Wilson's score interval for a proportion: `k` of `n`, at normal quantile `z`. */
export function wilson (k: number, n: number, z = Z95): Estimate {
  if (n === 0) return { estimate: 0, low: 0, high: 1 }
  const p = k / n
  const z2 = z * z
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n)
  const half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
  return { estimate: p, low: k === 0 ? 0 : centre - half, high: k === n ? 1 : centre + half }
}

/** A chance over `days` as a chance over `toDays` (a year by default), periods independent. */
export function extrapolate (p: number, days: number, toDays = 365): number {
  if (p >= 1) return 1
  return -Math.expm1(toDays / days * Math.log1p(-p))
}

/** The yearly loss chance from `lost` of `total` in `days`, with its 95% interval. */
export function yearlyLoss (lost: number, total: number, days: number): Estimate {
  const run = wilson(lost, total)
  return { estimate: extrapolate(run.estimate, days), low: extrapolate(run.low, days), high: extrapolate(run.high, days) }
}
