/**
 * @shoal/sim — a deterministic discrete-event simulator of a Shoal network: thousands of
 * in-memory vaults on one virtual clock and one seeded random stream, a network model
 * with shared links, a churn model, running the real placement, repair, audit and
 * download code (docs/simulation.md).
 */
export { simulate, type SimConfig } from './simulation.js'
export { formatReport, type SimReport } from './report.js'
export type { LookupMode } from './lookup-stats.js'
export { CHURN_PRESETS, type ChurnModel } from './churn.js'
export { HOME_LINKS, type LinkModel } from './links.js'
export type { Distribution } from './distributions.js'
export { redundancyLabel, runSweep, sweepPoints, type PointOutcome, type RepairSetting, type SweepConfig, type SweepPoint, type SweepResult } from './sweep.js'
export { durabilityRows, trafficRows, LOST_ESTIMATE, MARKOV_MODEL, NONE_LOST, type DurabilityRow, type TrafficRow } from './sweep-rows.js'
export { scaleChurn } from './sweep-churn.js'
