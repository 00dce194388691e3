// The simulator against a closed form: under independent permanent departures, the share
// of replicated chunks the real repair loop loses agrees with the birth–death Markov
// model (markov.ts) within a 99% interval, over many seeds of small runs where losses
// are common enough to count. The model itself is checked where it has a known answer.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { extrapolate, wilson, yearlyLoss } from '../src/confidence.js'
import { lossProbability, repairsPerDay, type ReplicaChain } from '../src/markov.js'
import { simulate } from '../src/simulation.js'

const HOUR = 3600_000
const Z99 = 2.5758293035489

test('the model: no repair is r independent lifetimes; no departures lose nothing', () => {
  const lambda = 0.7
  for (const r of [1, 2, 3, 5]) {
    const chain: ReplicaChain = { replicas: r, departuresPerDay: lambda, repairsPerDay: 0 }
    assert.ok(Math.abs(lossProbability(chain, 2) - (1 - Math.exp(-lambda * 2)) ** r) < 1e-9, `r=${r}`)
  }
  assert.is(lossProbability({ replicas: 3, departuresPerDay: 0, repairsPerDay: 24 }, 365), 0)
  // r=2 loses only from one copy, before its repair: each loss of a copy (2λ) then λ/(λ+μ)
  const fast: ReplicaChain = { replicas: 2, departuresPerDay: 0.01, repairsPerDay: 48 }
  const rate = 2 * 0.01 * 0.01 / (0.01 + 48)
  assert.ok(Math.abs(lossProbability(fast, 30) / (1 - Math.exp(-rate * 30)) - 1) < 1e-2)
  assert.ok(lossProbability({ ...fast, repairsPerDay: 24 }, 30) > lossProbability(fast, 30), 'slower repair loses more')
})

test('Wilson interval and extrapolation to a year', () => {
  const none = wilson(0, 100)
  assert.is(none.low, 0)
  assert.ok(Math.abs(none.high - 0.037) < 0.001, `${none.high}`)
  const half = wilson(50, 100)
  assert.ok(Math.abs(half.low - 0.404) < 0.001 && Math.abs(half.high - 0.596) < 0.001)
  assert.ok(Math.abs(extrapolate(0.01, 365) - 0.01) < 1e-12)
  assert.ok(Math.abs(extrapolate(0.01, 30) - (1 - 0.99 ** (365 / 30))) < 1e-12)
  const year = yearlyLoss(0, 1000, 30)
  assert.ok(year.estimate === 0 && year.high > 0 && year.high < 1)
})

/**
 * Chunks lost of chunks placed, over `seeds` runs of one day of departures only (no
 * arrivals, no downtime). Lookups are the oracle's: the model has every holder know at once
 * who left, which a routing table learns only by timing out (docs/simulation.md, Lookups).
 */
async function lossesOver (replicas: number, departuresPerDay: number, repairHours: number, seeds: number): Promise<{ lost: number, total: number, modelled: number }> {
  let lost = 0
  let total = 0
  let modelled = 0
  for (let seed = 1; seed <= seeds; seed++) {
    const report = await simulate({
      nodes: 60,
      days: 1,
      files: 20,
      chunksPerFile: 1,
      redundancy: { scheme: 'replicate', replicas },
      repairIntervalMs: repairHours * HOUR,
      churn: { departuresPerDay, arrivalsPerDay: 0 },
      churnName: 'departures',
      seed,
      readsPerDay: 0,
      lookups: 'oracle'
    })
    lost += report.chunks.unitsLost
    total += report.chunks.units
    modelled = report.durability.model?.unitsInRun ?? NaN
  }
  return { lost, total, modelled }
}

test('replicate:2 under departures: the simulated loss rate agrees with the Markov model', async () => {
  // λ = 1.2 a day, a repair tick every 6 h: about a fifth of the chunks lost in the day
  const { lost, total, modelled } = await lossesOver(2, 1.2, 6, 24)
  const interval = wilson(lost, total, Z99)
  assert.ok(interval.low <= modelled && modelled <= interval.high, `${lost} of ${total} lost, 99% interval ${interval.low.toFixed(3)}–${interval.high.toFixed(3)}, model ${modelled.toFixed(3)}`)
  // the interval is narrow enough to tell a wrong model: a repair noticed a whole interval
  // after the loss (not half of one, as a periodic tick does) is outside it, and so is no repair
  const slow = lossProbability({ replicas: 2, departuresPerDay: 1.2, repairsPerDay: 24 / 6 }, 1)
  const none = lossProbability({ replicas: 2, departuresPerDay: 1.2, repairsPerDay: 0 }, 1)
  assert.ok(slow > interval.high && none > interval.high, `a wrong model is told apart (${slow.toFixed(3)}, ${none.toFixed(3)})`)
})

test('replicate:3 under departures: the simulated loss rate agrees with the Markov model', async () => {
  const { lost, total, modelled } = await lossesOver(3, 1.5, 6, 30)
  const interval = wilson(lost, total, Z99)
  assert.ok(lost > 20, `losses enough to count (${lost})`)
  assert.ok(interval.low <= modelled && modelled <= interval.high, `${lost} of ${total} lost, 99% interval ${interval.low.toFixed(3)}–${interval.high.toFixed(3)}, model ${modelled.toFixed(3)}`)
  assert.ok(Math.abs(modelled - lossProbability({ replicas: 3, departuresPerDay: 1.5, repairsPerDay: repairsPerDay(6 * HOUR, 0) }, 1)) < 1e-3, 'transfer time is a second against hours')
})

test.run()
