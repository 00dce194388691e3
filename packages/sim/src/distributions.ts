// The random quantities of a simulation (session lengths, downtimes, link speeds), as
// plain data a preset or a JSON file can state, drawn from the simulation's one seeded
// Random so that a seed fixes every draw.
import type { Random } from '@shoal/runtime'

export type Distribution =
  | { kind: 'fixed', value: number }
  | { kind: 'uniform', min: number, max: number }
  /** uniform in log space: as many nodes at 5–10 Mbit/s as at 25–50 */
  | { kind: 'log-uniform', min: number, max: number }
  | { kind: 'exponential', mean: number }
  /** shape < 1: many short sessions and a long tail of long ones (measured P2P sessions) */
  | { kind: 'weibull', shape: number, mean: number }

export function draw (random: Random, d: Distribution): number {
  switch (d.kind) {
    case 'fixed': return d.value
    case 'uniform': return d.min + (d.max - d.min) * random.float()
    case 'log-uniform': return Math.exp(Math.log(d.min) + (Math.log(d.max) - Math.log(d.min)) * random.float())
    case 'exponential': return -d.mean * Math.log(1 - random.float())
    case 'weibull': return d.mean / gamma(1 + 1 / d.shape) * (-Math.log(1 - random.float())) ** (1 / d.shape)
  }
}

export function meanOf (d: Distribution): number {
  switch (d.kind) {
    case 'fixed': return d.value
    case 'uniform': return (d.min + d.max) / 2
    case 'log-uniform': return (d.max - d.min) / Math.log(d.max / d.min)
    case 'exponential': case 'weibull': return d.mean
  }
}

// Lanczos approximation (g = 7, n = 9): 15 digits for the arguments a Weibull mean needs
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]

function gamma (x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x))
  const z = x - 1
  let a = LANCZOS[0]
  const t = z + 7.5
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i)
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * a
}
