// A sweep is deterministic from its seed, point by point, and tells repaired from unrepaired.
import type { Redundancy } from '@shoal/manifest'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { ChurnModel } from '../src/churn.js'
import { simulate } from '../src/simulation.js'
import { scaleChurn } from '../src/sweep-churn.js'
import { durabilityRows, LOST_ESTIMATE, trafficRows } from '../src/sweep-rows.js'
import { runSweep, sweepPoints, type SweepConfig, type SweepPoint } from '../src/sweep.js'

const HOUR = 3600_000
// over half the vaults gone for good within the two days: without repair two copies do not last
const departures: ChurnModel = { departuresPerDay: 0.4, arrivalsPerDay: 0.4 }
const replicate2: Redundancy = { scheme: 'replicate', replicas: 2 }

const tiny: SweepConfig = {
  nodes: 24,
  days: 2,
  files: 16,
  chunksPerFile: 2,
  churn: 'departures',
  seed: 5,
  redundancies: [replicate2],
  repairIntervals: [{ label: '1h', ms: HOUR }, { label: 'off', ms: null }],
  churnScales: [0.5, 1],
  repairInterval: { label: '1h', ms: HOUR }
}

/** the point in process, as `shoal sim` would run it */
async function runHere (point: SweepPoint): Promise<{ report: Awaited<ReturnType<typeof simulate>> }> {
  const report = await simulate({
    nodes: tiny.nodes,
    days: tiny.days,
    files: tiny.files,
    chunksPerFile: tiny.chunksPerFile,
    redundancy: replicate2,
    repairIntervalMs: point.repairInterval.ms ?? HOUR,
    repair: point.repairInterval.ms !== null,
    churn: scaleChurn(departures, point.churnScale),
    churnName: `departures×${point.churnScale}`,
    seed: point.seed,
    readsPerDay: 2
  })
  return { report }
}

test('the grid: a point in both studies runs once, and its seed does not depend on the rest of the grid', () => {
  const points = sweepPoints(tiny)
  assert.equal(points.map(p => `${p.repairInterval.label} ×${p.churnScale}`), ['1h ×1', 'off ×1', '1h ×0.5'])
  const alone = sweepPoints({ ...tiny, repairIntervals: [{ label: '1h', ms: HOUR }], churnScales: [1] })
  assert.is(alone.length, 1)
  assert.is(alone[0].seed, points[0].seed)
  assert.is.not(points[0].seed, points[1].seed)
  assert.is.not(sweepPoints({ ...tiny, seed: 6 })[0].seed, points[0].seed, 'another sweep seed, other point seeds')
})

test('two sweeps with one seed give identical JSON; repair off loses more files than repair every hour', async () => {
  const a = await runSweep(tiny, runHere)
  const b = await runSweep(tiny, runHere, { jobs: 2 })
  assert.is(JSON.stringify(a), JSON.stringify(b))
  const [repaired, unrepaired] = a.points.map(p => p.report)
  assert.ok(repaired !== null && unrepaired !== null)
  assert.ok(unrepaired.vaults.departures >= 6, `vaults left (${unrepaired.vaults.departures})`)
  assert.ok(unrepaired.files.lost > repaired.files.lost, `off lost ${unrepaired.files.lost}, 1h lost ${repaired.files.lost}`)

  const rows = durabilityRows(a)
  const off = rows.find(r => r.repairInterval === 'off' && r.kind === LOST_ESTIMATE)
  assert.ok(off !== undefined && off.low !== null && off.high !== null && off.low <= off.yearly && off.yearly <= off.high, 'the loss with its interval')
  assert.ok(rows.some(r => r.repairInterval === '1h'), 'the repaired point is charted')
  const traffic = trafficRows(a, departures.departuresPerDay)
  assert.equal(traffic.map(r => r.churnScale), [1, 0.5])
  assert.ok(traffic.every(r => r.repairPerVaultDay > 0), 'repair moved bytes at both churn rates')
})

test('a churn scale makes vaults leave and come and go that much more often', () => {
  const home: ChurnModel = { session: { kind: 'weibull', shape: 0.6, mean: 12 }, downtime: { kind: 'exponential', mean: 4 }, departuresPerDay: 0.01, correlated: { everyDays: 7, fraction: 0.05, downHours: 6 } }
  const busier = scaleChurn(home, 4)
  assert.equal(busier, { ...home, session: { kind: 'weibull', shape: 0.6, mean: 3 }, departuresPerDay: 0.04 })
  assert.is(scaleChurn(home, 1), home)
  assert.throws(() => scaleChurn(home, 0), /positive/)
})

test.run()
