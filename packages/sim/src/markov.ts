// The closed-form check on the simulator: a replicated chunk as a continuous-time Markov
// chain on its number of live copies. Each copy's vault leaves for good at rate λ (so i
// copies become i−1 at rate iλ) and, while some copies are missing, the repair loop
// restores all of them at rate μ (its actor puts to every lacking target in one tick).
// Zero copies is loss, and absorbing. The real loop ticks periodically, so a missing copy
// is noticed on average half an interval later: μ = 1 / (interval / 2 + transfer time).

export interface ReplicaChain {
  replicas: number
  /** λ: departures per vault per day */
  departuresPerDay: number
  /** μ: repairs per day while a copy is missing */
  repairsPerDay: number
}

const DAY_MS = 24 * 3600_000

/** μ for a repair loop ticking every `intervalMs` whose repair takes `transferMs` once it acts. */
export function repairsPerDay (intervalMs: number, transferMs: number): number {
  return DAY_MS / (intervalMs / 2 + transferMs)
}

/** The chance that a chunk with all its copies is lost within `days`. */
export function lossProbability (chain: ReplicaChain, days: number): number {
  const p = expm(scale(generator(chain), days))
  return Math.min(1, Math.max(0, p[chain.replicas][0]))
}

/** The chance that a chunk is lost within a year, in the chain's steady course (365 days from all copies). */
export function yearlyLossProbability (chain: ReplicaChain): number {
  return lossProbability(chain, 365)
}

/** Q: rates from state i (live copies, 0 … r) to state j, rows summing to zero. */
function generator ({ replicas: r, departuresPerDay: lambda, repairsPerDay: mu }: ReplicaChain): number[][] {
  const q = Array.from({ length: r + 1 }, () => new Array<number>(r + 1).fill(0))
  for (let i = 1; i <= r; i++) {
    q[i][i - 1] += i * lambda
    if (i < r) q[i][r] += mu
    q[i][i] = -(i * lambda + (i < r ? mu : 0))
  }
  return q
}

// exp(A) by scaling and squaring a Taylor series: the chain has a handful of states, so
// plain arithmetic is accurate and fast; A is scaled until its norm is below 1/2.
function expm (a: number[][]): number[][] {
  const norm = Math.max(...a.map(row => row.reduce((s, x) => s + Math.abs(x), 0)))
  const squarings = Math.max(0, Math.ceil(Math.log2(norm / 0.5)))
  const small = scale(a, 2 ** -squarings)
  let result = identity(a.length)
  let term = identity(a.length)
  for (let k = 1; k <= 24; k++) {
    term = scale(multiply(term, small), 1 / k)
    result = add(result, term)
  }
  for (let s = 0; s < squarings; s++) result = multiply(result, result)
  return result
}

function identity (n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => i === j ? 1 : 0))
}

function scale (a: number[][], x: number): number[][] {
  return a.map(row => row.map(v => v * x))
}

function add (a: number[][], b: number[][]): number[][] {
  return a.map((row, i) => row.map((v, j) => v + b[i][j]))
}

function multiply (a: number[][], b: number[][]): number[][] {
  return a.map(row => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)))
}
