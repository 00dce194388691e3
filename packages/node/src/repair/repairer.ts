// The repair loop every vault runs: each period it collects expired chunks, walks the next
// batch of its index from a saved cursor (batch.ts: audit, repair, hand off), and scrubs
// a bounded number of its own bytes. `drain` is the same walk for a vault about to leave.
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Cancel, Clock, Random } from '@shoal/runtime'
import { withDeadline } from '../deadline.js'
import { debugLogger, type NodeLogger } from '../logger.js'
import { createAuditor } from './audits.js'
import { createBatchRepair } from './batch.js'
import { createByteBucket } from './byte-bucket.js'
import { createScrubber } from './scrub.js'
import { createSettledViews } from './settled.js'
import type { ChunkRecord, ClosestPeers, RepairChunks, RepairMetrics, RepairStore } from './types.js'
import { nextRecords } from './walk.js'

export interface RepairOptions {
  /** how often a tick runs, ms */
  intervalMs: number
  /** records walked per tick (default 256) */
  batch: number
  /** repair traffic's bandwidth (default 4 MiB/s) */
  repairBytesPerSecond: number
  /** own bytes re-hashed per second (default 1 MiB/s) */
  scrubBytesPerSecond: number
  /** at most this many chunks have their other holders audited per tick (default 4) */
  auditSample: number
  /** the chance that a chunk the walk visits has its other holders audited (default 1/8) */
  auditChance: number
  /** periods a settled chunk's view is trusted, its holders alone asked each tick, before a full HAS round (default 12; 1: a full round every period) */
  settledPeriods: number
  /** audits failed in a row that make a peer bad (default 3) */
  maxAuditFailures: number
  /** candidates looked at beyond a chunk's target (default 4) */
  slack: number
  /** bound on each request and lookup (default 10 s) */
  requestTimeoutMs: number
  /** expired chunks collected per tick (default 256) */
  collectLimit: number
}

export const DEFAULT_REPAIR_OPTIONS: Omit<RepairOptions, 'intervalMs'> = {
  batch: 256,
  repairBytesPerSecond: 4 * 1024 * 1024,
  scrubBytesPerSecond: 1024 * 1024,
  auditSample: 4,
  auditChance: 1 / 8,
  settledPeriods: 12,
  maxAuditFailures: 3,
  slack: 4,
  requestTimeoutMs: 10_000,
  collectLimit: 256
}

export interface RepairerInit extends Partial<RepairOptions> {
  intervalMs: number
  self: PeerId
  store: RepairStore
  chunks: RepairChunks
  closestPeers: ClosestPeers
  clock: Clock
  random: Random
  /** wall time, ms since 1970, that leases expire on (default Date.now) */
  now?: () => number
  logger?: NodeLogger
  /** peers judged bad elsewhere, passed over as well as those that fail audits here */
  isBad?: (peer: string) => boolean
  /** a chunk left this vault (collected, handed off): its owners are no longer charged for it (the ledger's `released`) */
  released?: (record: ChunkRecord) => Promise<void>
  /**
   * Learns of the peers near this vault (a network lookup of its own ID), once a tick
   * before the walk: the chunks it holds live near it, so a vault that joined close to
   * them is seen, and put to, even when `closestPeers` reads a routing table alone.
   */
  refreshNeighbours?: (options: AbortOptions) => Promise<void>
}

export interface Repairer {
  /** Reads the bad marks from the index and ticks every interval. */
  start: () => Promise<void>
  /** Stops ticking and waits for a tick in progress to end (it is aborted). */
  stop: () => Promise<void>
  /** One period's work, now. */
  tick: () => Promise<void>
  /** Hands on every chunk whose other holders are short, within `deadlineMs`; `timedOut`: it ran out of time with chunks left to look at. */
  drain: (options: { deadlineMs: number }) => Promise<{ handedOff: number, failed: number, timedOut: boolean }>
  metrics: () => RepairMetrics
  /** A peer this vault found bad: not to be chosen for placements. */
  isBad: (peer: PeerId | string) => boolean
}

export function createRepairer (init: RepairerInit): Repairer {
  const options: RepairOptions = { ...DEFAULT_REPAIR_OPTIONS, ...withoutUndefined(init), intervalMs: init.intervalMs }
  const { self, store, chunks, clock } = init
  const now = init.now ?? Date.now
  const logger = init.logger ?? debugLogger('shoal:node:repair')
  const metrics: RepairMetrics = {
    queueLength: 0,
    chunksRepaired: 0,
    repairBytesSent: 0,
    chunksUnderTarget: 0,
    stripesRepaired: 0,
    piecesRebuilt: 0,
    repairBytesFetched: 0,
    stripesUnderTarget: 0,
    stripesUnrecoverable: 0,
    handedOff: 0,
    auditsPassed: 0,
    auditsFailed: 0,
    scrubbed: 0,
    corruptReplaced: 0,
    collected: 0
  }
  const auditor = createAuditor({ store, chunks, clock, random: init.random, now, timeoutMs: options.requestTimeoutMs, maxFailures: options.maxAuditFailures, logger })
  const isBad = (peer: string): boolean => auditor.isBad(peer) || init.isBad?.(peer) === true
  const scrubber = createScrubber({ self, store, chunks, closestPeers: init.closestPeers, clock, now, timeoutMs: options.requestTimeoutMs, askPeers: 8, logger })
  const batch = createBatchRepair({
    self,
    store,
    chunks,
    closestPeers: init.closestPeers,
    clock,
    random: init.random,
    now,
    auditor,
    isBad,
    bucket: createByteBucket(clock, options.repairBytesPerSecond),
    timeoutMs: options.requestTimeoutMs,
    slack: options.slack,
    auditSample: options.auditSample,
    auditChance: options.auditChance,
    // a view is kept while the walk can come back to it before it ends
    settled: createSettledViews(options.settledPeriods > 1 ? options.settledPeriods * options.batch : 0),
    // half a period short, so the tick settledPeriods on does the full round
    settledForMs: (options.settledPeriods - 0.5) * options.intervalMs,
    metrics,
    corrupt: scrubber.replace,
    released: init.released,
    logger
  })
  const scrubBudget = options.scrubBytesPerSecond * options.intervalMs / 1000

  let timer: Cancel | undefined
  let stopping = new AbortController()
  let running: Promise<void> | undefined

  async function tick (): Promise<void> {
    const { signal } = stopping
    const collected = await store.collectExpired(now(), { limit: options.collectLimit })
    metrics.collected += collected.length
    for (const record of collected) await init.released?.(record)
    await refreshNeighbours(signal)
    const records = await nextRecords(store, options.batch)
    await batch(records, { signal })
    await scrubber.step(scrubBudget, signal)
  }

  async function refreshNeighbours (signal: AbortSignal): Promise<void> {
    if (init.refreshNeighbours === undefined) return
    try {
      await withDeadline(clock, options.requestTimeoutMs, [signal], async s => { await init.refreshNeighbours?.({ signal: s }) })
    } catch (err) {
      signal.throwIfAborted()
      logger.debug({ err }, 'neighbour lookup failed; the routing table is used as it is')
    }
  }

  // one tick at a time: a period whose tick is still running is skipped
  const runTick = async (): Promise<void> => {
    if (running !== undefined) return await running
    running = tick()
      .catch(err => { if (!stopping.signal.aborted) logger.warn({ err }, 'repair tick failed') })
      .finally(() => { running = undefined })
    await running
  }

  return {
    async start () {
      if (timer !== undefined) return
      stopping = new AbortController()
      await auditor.load()
      timer = clock.every(options.intervalMs, () => { void runTick() })
    },
    async stop () {
      timer?.()
      timer = undefined
      stopping.abort()
      await running
    },
    tick: runTick,
    async drain ({ deadlineMs }) {
      const total = { handedOff: 0, failed: 0, timedOut: false }
      const deadline = clock.timeout(deadlineMs)
      try {
        for (let after; ;) {
          const records = await store.records({ after, limit: options.batch })
          if (records.length === 0) break
          const outcome = await batch(records, { leaving: true, signal: deadline })
          total.handedOff += outcome.handedOff
          total.failed += outcome.failed
          after = records.at(-1)?.cid
          if (records.length < options.batch) break
        }
      } catch (err) {
        if (!deadline.aborted) throw err
        total.timedOut = true
        logger.warn({ ...total, deadlineMs }, 'drain ran out of time')
      }
      metrics.handedOff += total.handedOff
      return total
    },
    metrics: () => ({ ...metrics, auditsPassed: auditor.passed, auditsFailed: auditor.failed, scrubbed: scrubber.scrubbed, corruptReplaced: scrubber.replaced }),
    isBad: peer => isBad(peer.toString())
  }
}

function withoutUndefined<T extends object> (value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
