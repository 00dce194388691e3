// How many cases a fuzz property runs: a CI-sized default, or FUZZ_RUNS for a long run
// on demand; FUZZ_SEED and FUZZ_PATH replay a failure (fast-check prints both).
import type { Parameters } from 'fast-check'

/** Cases every decoder gets in CI. */
export const CI_RUNS = 10_000

export function fuzzRuns (ciRuns: number = CI_RUNS): number {
  const asked = Number(process.env.FUZZ_RUNS)
  return Number.isSafeInteger(asked) && asked > 0 ? asked : ciRuns
}

export function fuzzParameters<T> (ciRuns: number = CI_RUNS): Parameters<T> {
  const seed = Number(process.env.FUZZ_SEED)
  const path = process.env.FUZZ_PATH
  return { numRuns: fuzzRuns(ciRuns), ...(Number.isSafeInteger(seed) ? { seed } : {}), ...(path !== undefined && path !== '' ? { path } : {}) }
}
