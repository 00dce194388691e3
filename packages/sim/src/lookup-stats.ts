// What the routing model's lookups cost, kept as histograms: a 30-day run of ten thousand
// vaults walks millions of lookups, too many to keep one number each.

/**
 * How a simulation answers lookups: a walk over every node's routing table, the tables
 * shaped as kad-dht 16 keeps them (`kad-dht`) or as the Kademlia paper does (`kademlia`),
 * or an oracle that knows every vault (kademlia.ts, kademlia-table.ts)
 */
export type LookupMode = 'kad-dht' | 'kademlia' | 'oracle'

export interface LookupSummary {
  mode: LookupMode
  /** lookups that walked the network (placement, downloads, each vault's look for its neighbours) */
  walks: number
  /** lookups a vault's repair loop answered from its own routing table, no message sent */
  local: number
  /** rounds per walk: the longest chain of messages each sent on the answer of the one before */
  hops: { mean: number, p50: number, p90: number, p99: number, max: number }
  /** FIND_NODE requests per walk */
  messages: { mean: number, p50: number, p90: number, p99: number, max: number }
  /** requests of walks that went unanswered (the peer was down or gone), in all */
  unanswered: number
  /** walks whose answer lacked the closest vault up (the membership knows it), a lookup's miss */
  missedClosest: number
  /** time a walk took, ms */
  time: { p50Ms: number, p90Ms: number, p99Ms: number }
}

export interface LookupStats {
  local: number
  /** one walk; `foundClosest`: whether it found the closest vault up (undefined: none was up near the key) */
  walked: (walk: { hops: number, messages: number, ms: number, silent: unknown[] }, foundClosest?: boolean) => void
  summary: () => LookupSummary
}

/** ms per bin of the time histogram */
const TIME_BIN_MS = 10

export function createLookupStats (mode: LookupMode): LookupStats {
  const hops: number[] = []
  const messages: number[] = []
  const times: number[] = []
  let walks = 0
  let unanswered = 0
  let missedClosest = 0
  const count = (histogram: number[], value: number): void => {
    while (histogram.length <= value) histogram.push(0)
    histogram[value]++
  }
  const stats: LookupStats = {
    local: 0,
    walked (walk, foundClosest) {
      walks++
      if (foundClosest === false) missedClosest++
      unanswered += walk.silent.length
      count(hops, walk.hops)
      count(messages, walk.messages)
      count(times, Math.floor(walk.ms / TIME_BIN_MS))
    },
    summary: () => ({
      mode,
      walks,
      local: stats.local,
      hops: spread(hops),
      messages: spread(messages),
      unanswered,
      missedClosest,
      time: { p50Ms: quantile(times, 0.5) * TIME_BIN_MS, p90Ms: quantile(times, 0.9) * TIME_BIN_MS, p99Ms: quantile(times, 0.99) * TIME_BIN_MS }
    })
  }
  return stats
}

/** The summary of a run whose lookups were the oracle's: no walks, nothing to count. */
export function oracleLookups (): LookupSummary {
  const none = { mean: 0, p50: 0, p90: 0, p99: 0, max: 0 }
  return { mode: 'oracle', walks: 0, local: 0, hops: none, messages: none, unanswered: 0, missedClosest: 0, time: { p50Ms: 0, p90Ms: 0, p99Ms: 0 } }
}

function spread (histogram: number[]): LookupSummary['hops'] {
  const total = histogram.reduce((a, b) => a + b, 0)
  const sum = histogram.reduce((a, n, value) => a + n * value, 0)
  return {
    mean: total === 0 ? 0 : Math.round(sum / total * 100) / 100,
    p50: quantile(histogram, 0.5),
    p90: quantile(histogram, 0.9),
    p99: quantile(histogram, 0.99),
    max: Math.max(0, histogram.length - 1)
  }
}

/** The smallest value with at least a fraction q of the counts at or below it. */
function quantile (histogram: number[], q: number): number {
  const total = histogram.reduce((a, b) => a + b, 0)
  if (total === 0) return 0
  let seen = 0
  for (let value = 0; value < histogram.length; value++) {
    seen += histogram[value]
    if (seen >= q * total) return value
  }
  return histogram.length - 1
}
