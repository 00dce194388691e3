// One simulation: vaults join (staggered over a repair period, as real ones would not
// tick in step), uploaders place the files, then the churn model runs for `days` of
// virtual time while users read files, and at the end a census of what every remaining
// vault holds says which files survived. Everything runs on one virtual clock and one
// seeded Random: a seed gives the same report every time.
import type { Redundancy } from '@shoal/manifest'
import { createMemoryNetwork, type MemoryNode, type RepairMetrics, type RepairOptions } from '@shoal/node/memory'
import { createVirtualClock, seededRandom } from '@shoal/runtime'
import { createMemoryStore } from '@shoal/store'
import { createChurn, DAY, type ChurnModel } from './churn.js'
import { readFile, uploadFile, type SimFile } from './files.js'
import { createLinks, HOME_LINKS, type LinkModel } from './links.js'
import { createMembershipIndex } from './membership.js'
import { createKademlia } from './kademlia.js'
import { oracleLookups, type LookupMode } from './lookup-stats.js'
import { census } from './census.js'
import { yearlyLoss } from './confidence.js'
import { meanOf } from './distributions.js'
import { lossProbability, repairsPerDay, yearlyLossProbability, type ReplicaChain } from './markov.js'
import type { SimReport } from './report.js'

export interface SimConfig {
  nodes: number
  days: number
  files: number
  redundancy: Redundancy
  repairIntervalMs: number
  churn: ChurnModel
  /** the name the report gives the churn model */
  churnName: string
  seed: number
  links?: LinkModel
  /** chunks per file (default 4) */
  chunksPerFile?: number
  /** simulated bytes per chunk (default 1 MiB) */
  chunkSize?: number
  /** simulated bytes per real byte (default 1024: a 1 MiB chunk is 1 KiB in memory) */
  byteScale?: number
  /** files users read per day, at random times (default files / 10) */
  readsPerDay?: number
  /** client nodes that upload and read (default 4) */
  users?: number
  /** false: no vault runs a repair loop (a bug put in on purpose) */
  repair?: boolean
  /** simulated bytes each vault offers (default 64 GiB) */
  vaultSpace?: number
  /** how lookups are answered: a walk over each node's routing table shaped as kad-dht's (default) or as the paper's, or an oracle that knows every vault (kademlia.ts) */
  lookups?: LookupMode
  /** the repair loop's knobs of upkeep, in place of the vault's defaults (to compare settings) */
  upkeep?: Partial<Pick<RepairOptions, 'settledPeriods' | 'auditChance' | 'auditSample'>>
  /**
   * filled in with, for each copy a vault held when it left for good while up (for
   * replicate:r, one that left its chunk with fewer than r copies on vaults up), the ms
   * until the next PUT of that chunk between vaults: its replacement (copies never
   * replaced are not in it)
   */
  replacementMs?: number[]
  /** filled in with the requests vaults made of each other, by type, to any vault up or not (for measuring upkeep) */
  requestCounts?: Record<string, number>
}

const MiB = 1024 * 1024
const REQUEST_TIMEOUT_MS = 10_000

export async function simulate (config: SimConfig, onDay?: (day: number) => void): Promise<SimReport> {
  const chunksPerFile = config.chunksPerFile ?? 4
  const chunkSize = config.chunkSize ?? MiB
  const byteScale = config.byteScale ?? 1024
  const readsPerDay = config.readsPerDay ?? Math.ceil(config.files / 10)
  const clock = createVirtualClock()
  const random = seededRandom(config.seed)
  const reachable = (id: string): boolean => net.node(id)?.up === true
  const linkModel = config.links ?? HOME_LINKS
  // copies gone with a departed vault, by CID: when they went, awaiting the next repair PUT
  const awaiting = new Map<string, number[]>()
  const onRepairPut = config.replacementMs === undefined
    ? undefined
    : (cid: string): void => {
        const since = awaiting.get(cid)?.shift()
        if (since !== undefined) config.replacementMs?.push(clock.now() - since)
      }
  const links = createLinks({ model: linkModel, clock, random, byteScale, reachable, onRepairPut })
  const lookups = config.lookups ?? 'kad-dht'
  const kademlia = lookups === 'oracle' ? null : createKademlia({ random, now: () => clock.now(), reachable, latencyMs: links.latencyMs, shape: lookups })
  const membership = kademlia ?? createMembershipIndex()
  const net = createMemoryNetwork({
    clock,
    random,
    deliveryMs: links.deliveryMs,
    membership,
    trace: false,
    store: () => createMemoryStore({ space: Math.floor((config.vaultSpace ?? 64 * 1024 * MiB) / byteScale), now: () => clock.now() }),
    repair: config.repair === false
      ? undefined
      : { ...config.upkeep, intervalMs: config.repairIntervalMs, repairBytesPerSecond: 4 * MiB / byteScale, scrubBytesPerSecond: MiB / byteScale, requestTimeoutMs: REQUEST_TIMEOUT_MS }
  })
  const addVault = async (): Promise<MemoryNode> => {
    const vault = await net.add()
    links.join(vault.peerId.toString(), false)
    return vault
  }
  // only copies whose going left their chunk short: fewer than r copies (k + m pieces are not checked) on the vaults up
  const onDepart = onRepairPut === undefined
    ? undefined
    : (vault: MemoryNode): void => {
        if (!vault.up) return
        const at = clock.now()
        const others = net.nodes.filter(n => n !== vault && n.up && n.store !== null && !churn.hasLeft(n))
        const r = config.redundancy.scheme === 'replicate' ? config.redundancy.replicas : config.redundancy.k + config.redundancy.m
        void vault.store?.records({ limit: Number.MAX_SAFE_INTEGER }).then(async records => {
          for (const { cid } of records) {
            const held = await Promise.all(others.map(async n => await n.store?.has(cid) === true))
            if (config.redundancy.scheme === 'replicate' && held.filter(Boolean).length >= r) continue
            awaiting.set(cid.toString(), [...(awaiting.get(cid.toString()) ?? []), at])
          }
        })
      }
  const churn = createChurn({ model: config.churn, net, clock, random, addVault, onDepart })
  const secret = random.bytes(32)
  // users keep the client's own deadlines; vaults the repair loop's
  const env = { clock, random, secret }
  const files: SimFile[] = []
  const reads = { done: 0, failed: 0, times: [] as number[] }

  const vaults: MemoryNode[] = []
  const users: MemoryNode[] = []
  await clock.run(async () => {
    for (let i = 0; i < config.nodes; i++) {
      vaults.push(await addVault())
      await clock.sleep(config.repairIntervalMs / config.nodes)
    }
    for (let i = 0; i < (config.users ?? 4); i++) {
      const user = await net.add({ client: true })
      links.join(user.peerId.toString(), true)
      users.push(user)
    }
    // each user uploads its share of the files, one after another
    const shape = { chunksPerFile, chunkBytes: Math.max(1, Math.round(chunkSize / byteScale) - 16), redundancy: config.redundancy }
    const uploaded: SimFile[][] = await Promise.all(users.map(async (user, u) => {
      const mine: SimFile[] = []
      for (let f = u; f < config.files; f += users.length) mine.push(await uploadFile(user, shape, env))
      return mine
    }))
    for (let f = 0; f < config.files; f++) files.push(uploaded[f % users.length][Math.floor(f / users.length)])
  }, { limitMs: 30 * DAY })

  const started = clock.now()
  churn.start(vaults)
  const read = async (): Promise<void> => {
    const file = files[random.int(files.length)]
    const user = users[random.int(users.length)]
    const from = clock.now()
    const ok = await readFile(user, file, env)
    reads.done++
    if (ok) reads.times.push(clock.now() - from)
    else reads.failed++
  }
  for (let day = 1; day <= config.days; day++) {
    for (let r = 0; r < readsPerDay; r++) clock.after(random.float() * DAY, () => { void read() })
    await clock.run(async () => { await clock.sleep(started + day * DAY - clock.now()) }, { limitMs: 2 * DAY })
    onDay?.(day)
  }

  const remaining = net.nodes.filter(n => n.store !== null && !churn.hasLeft(n))
  const found = await census(remaining, files)
  const bytes = await Promise.all(remaining.map(async n => ((await n.store?.stats())?.bytes ?? 0) * byteScale))
  const meanBytes = bytes.reduce((a, b) => a + b, 0) / Math.max(1, bytes.length)
  const maxBytes = Math.max(0, ...bytes)
  const vaultDays = (config.nodes + remaining.length) / 2 * config.days
  const metrics = sumMetrics(net.nodes.map(n => n.repairer?.metrics()))
  const chain: ReplicaChain | null = config.redundancy.scheme !== 'replicate'
    ? null
    : {
        replicas: config.redundancy.replicas,
        departuresPerDay: config.churn.departuresPerDay,
        repairsPerDay: config.repair === false ? 0 : repairsPerDay(config.repairIntervalMs, transferMs(chunkSize, linkModel))
      }
  await net.stop()
  if (config.requestCounts !== undefined) Object.assign(config.requestCounts, links.requests)
  return {
    config: {
      nodes: config.nodes,
      days: config.days,
      files: config.files,
      redundancy: config.redundancy.scheme === 'replicate' ? `replicate:${config.redundancy.replicas}` : `rs:${config.redundancy.k}+${config.redundancy.m}`,
      repairIntervalMs: config.repairIntervalMs,
      churn: config.churnName,
      seed: config.seed,
      repair: config.repair !== false,
      chunksPerFile,
      chunkSize,
      byteScale,
      lookups
    },
    files: { total: files.length, lost: found.filesLost, unavailableAtEnd: found.filesUnavailable },
    chunks: { units: found.units, unitsLost: found.unitsLost, copiesHeld: found.copies },
    vaults: { atStart: config.nodes, remaining: remaining.length, upAtEnd: remaining.filter(n => n.up).length, ...churn.counts },
    traffic: {
      ...links.traffic,
      repairPerVaultDay: Math.round(links.traffic.repair / vaultDays),
      upkeepPerVaultDay: Math.round(links.traffic.upkeep / vaultDays),
      userPerVaultDay: Math.round(links.traffic.user / vaultDays)
    },
    storage: { meanBytes: Math.round(meanBytes), maxBytes, maxOverMean: meanBytes === 0 ? 0 : round(maxBytes / meanBytes, 2) },
    reads: { done: reads.done, failed: reads.failed, ...percentiles(reads.times) },
    lookups: kademlia?.stats.summary() ?? oracleLookups(),
    durability: {
      filesPerYear: yearlyLoss(found.filesLost, files.length, config.days),
      unitsPerYear: yearlyLoss(found.unitsLost, found.units, config.days),
      model: chain === null ? null : { unitsInRun: lossProbability(chain, config.days), unitsPerYear: yearlyLossProbability(chain) }
    },
    repair: metrics
  }
}

/** A repair PUT of one chunk over a typical vault's uplink, with both ends' latency. */
function transferMs (chunkSize: number, links: LinkModel): number {
  return chunkSize * 8 / (meanOf(links.uplink) * 1e6) * 1000 + 2 * meanOf(links.latencyMs)
}

function sumMetrics (all: Array<RepairMetrics | undefined>): SimReport['repair'] {
  const sum = { chunksRepaired: 0, repairBytesSent: 0, piecesRebuilt: 0, stripesRepaired: 0, handedOff: 0, auditsPassed: 0, auditsFailed: 0, collected: 0 }
  for (const m of all) {
    if (m === undefined) continue
    for (const key of Object.keys(sum) as Array<keyof typeof sum>) sum[key] += m[key]
  }
  return sum
}

function percentiles (times: number[]): { p50Ms: number, p90Ms: number, p99Ms: number } {
  const sorted = [...times].sort((a, b) => a - b)
  const at = (q: number): number => sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))])
  return { p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99) }
}

function round (x: number, digits: number): number {
  return Math.round(x * 10 ** digits) / 10 ** digits
}
