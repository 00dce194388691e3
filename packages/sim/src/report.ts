// What a simulation found, as data (the --json output, the same bytes for the same seed)
// and as the few lines a person reads.
import type { Estimate } from './confidence.js'
import type { LookupMode, LookupSummary } from './lookup-stats.js'

export interface SimReport {
  config: {
    nodes: number
    days: number
    files: number
    redundancy: string
    repairIntervalMs: number
    churn: string
    seed: number
    /** false: the vaults ran no repair loop */
    repair: boolean
    chunksPerFile: number
    chunkSize: number
    byteScale: number
    /** how lookups were answered (kademlia.ts) */
    lookups: LookupMode
  }
  /** lost: some chunk (or stripe) has too few copies on the vaults that have not left; unavailable: on those up at the end */
  files: { total: number, lost: number, unavailableAtEnd: number }
  /** units: replicated chunks and stripes; copiesHeld: chunks and pieces on remaining vaults */
  chunks: { units: number, unitsLost: number, copiesHeld: number }
  vaults: { atStart: number, remaining: number, upAtEnd: number, downs: number, departures: number, arrivals: number, correlated: number }
  /**
   * Simulated bytes on the wire (links.ts): repair is PUTs between vaults (repair and
   * hand-off), upkeep every other message between vaults (HAS, audits, piece fetches), user
   * between clients and vaults (uploads, reads); in all and per vault per day.
   */
  traffic: { repair: number, upkeep: number, user: number, repairPerVaultDay: number, upkeepPerVaultDay: number, userPerVaultDay: number }
  /** simulated bytes held per remaining vault */
  storage: { meanBytes: number, maxBytes: number, maxOverMean: number }
  /** files users read through the swarm while the network churned */
  reads: { done: number, failed: number, p50Ms: number, p90Ms: number, p99Ms: number }
  /** the lookups' walks over the nodes' routing tables: hops, messages and time (zero for the oracle) */
  lookups: LookupSummary
  /**
   * The chance of losing a file (or one chunk or stripe) within a year, extrapolated from
   * this run's losses as independent periods of its length, with a 95% Wilson interval; and,
   * for replicate:r, the Markov model's chance of losing a chunk in the run and in a year,
   * for the run's departure rate and repair interval (markov.ts: independent departures
   * only, downtimes and correlated failures are not in it), null for erasure codes.
   */
  durability: { filesPerYear: Estimate, unitsPerYear: Estimate, model: { unitsInRun: number, unitsPerYear: number } | null }
  /** the vaults' repair metrics, summed (repair bytes here are real bytes, not scaled) */
  repair: { chunksRepaired: number, repairBytesSent: number, piecesRebuilt: number, stripesRepaired: number, handedOff: number, auditsPassed: number, auditsFailed: number, collected: number }
}

export function formatReport (r: SimReport): string {
  const c = r.config
  return [
    `${c.nodes} vaults, ${c.days} days, ${c.files} files of ${c.chunksPerFile} × ${bytes(c.chunkSize)}, ${c.redundancy}, repair every ${duration(c.repairIntervalMs)}${c.repair ? '' : ' (REPAIR OFF)'}, churn ${c.churn}, seed ${c.seed}`,
    `files lost: ${r.files.lost} of ${r.files.total} (chunks/stripes lost: ${r.chunks.unitsLost} of ${r.chunks.units}); unavailable at the end: ${r.files.unavailableAtEnd}`,
    `yearly loss chance (extrapolated, 95% interval): file ${estimate(r.durability.filesPerYear)}, chunk/stripe ${estimate(r.durability.unitsPerYear)}${r.durability.model === null ? '' : `; Markov model (departures only): chunk ${chance(r.durability.model.unitsPerYear)} a year, ${chance(r.durability.model.unitsInRun)} in this run`}`,
    `vaults: ${r.vaults.remaining} remain (${r.vaults.upAtEnd} up); ${r.vaults.departures} left for good, ${r.vaults.arrivals} joined, ${r.vaults.downs} went down, ${r.vaults.correlated} correlated failures`,
    `traffic per vault per day: repair ${bytes(r.traffic.repairPerVaultDay)}, upkeep ${bytes(r.traffic.upkeepPerVaultDay)}, user ${bytes(r.traffic.userPerVaultDay)} (repair/user ${r.traffic.user === 0 ? '-' : (r.traffic.repair / r.traffic.user).toFixed(2)})`,
    `storage per vault: mean ${bytes(r.storage.meanBytes)}, max ${bytes(r.storage.maxBytes)} (max/mean ${r.storage.maxOverMean})`,
    `reads: ${r.reads.done - r.reads.failed} of ${r.reads.done} ok; time p50 ${duration(r.reads.p50Ms)}, p90 ${duration(r.reads.p90Ms)}, p99 ${duration(r.reads.p99Ms)}`,
    lookups(r.lookups),
    `repair: ${r.repair.chunksRepaired} chunks repaired, ${r.repair.piecesRebuilt} pieces rebuilt, ${r.repair.handedOff} handed off, audits ${r.repair.auditsPassed} passed / ${r.repair.auditsFailed} failed`
  ].join('\n')
}

function lookups (l: LookupSummary): string {
  if (l.mode === 'oracle') return 'lookups: oracle (every vault known; no hops)'
  const { hops, messages, time } = l
  return `lookups (${l.mode}): ${l.walks} walks (${l.local} more from repair's own tables); hops p50 ${hops.p50}, p90 ${hops.p90}, p99 ${hops.p99}, max ${hops.max}; ` +
    `messages per walk mean ${messages.mean}, p99 ${messages.p99}; ${l.unanswered} unanswered; ${l.missedClosest} missed the closest vault up; time p50 ${duration(time.p50Ms)}, p90 ${duration(time.p90Ms)}, p99 ${duration(time.p99Ms)}`
}

function bytes (n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++ }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`
}

function duration (ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 3600_000) return `${(ms / 60_000).toFixed(1)} min`
  return `${(ms / 3600_000).toFixed(1)} h`
}

function estimate (e: Estimate): string {
  return `${chance(e.estimate)} (${chance(e.low)} – ${chance(e.high)})`
}

function chance (p: number): string {
  if (p === 0) return '0'
  if (p >= 0.01) return `${Number((p * 100).toPrecision(2))}%`
  return p.toExponential(1)
}
