// The swarming downloader, BitTorrent-style: a window of chunks in
// flight at once, each asked of one of its holders; every holder gets a share of the
// window sized by the throughput measured from it; a request that stalls well past what
// the swarm has been seeing is duplicated to another holder (and so are the last ones,
// in endgame), the first verified answer wins and the others are aborted. A holder that
// sends bytes that do not hash to the chunk's address, breaks the protocol or cannot be
// reached is blamed and not asked again during this download, with one exception: a
// chunk about to fail for want of holders asks, once, every holder the swarm knows of:
// first those blamed for failing (one that then serves a verified chunk is no longer
// blamed), last even those that sent bad bytes for another chunk (they stay blamed).
// In a network short of holders (r - 1 of them down) that may be the last copy.
import { setMaxListeners } from 'node:events'
import { anySignal, type ClearableSignal } from 'any-signal'
import debug from 'debug'
import { MAX_FRAME_BYTES, RemoteError } from '@shoal/protocol'
import { IntegrityError, nodeCipher, sha256 } from '@shoal/crypto'
import type { ChunkRef } from '@shoal/manifest'
import type { CID } from 'multiformats/cid'
import { systemClock, type Clock } from '@shoal/runtime'
import { ChunkNotFoundError } from './errors.js'
import { decryptChunk, equalBytes, matchesAddress } from './seal.js'
import { BufferPool } from './buffer-pool.js'
import type { Rebuilt } from './stripe-rebuild.js'
import type { AbortOptions, ChunkSource, HolderSource, Placement } from './types.js'

const log = debug('shoal:swarm')

export interface SwarmOptions extends AbortOptions {
  /** Chunks being fetched (and delivered) at once; bounds memory (default 8; bench/README.md, "Swarm window"). */
  window?: number
  /** Requests one holder may have in flight, at most (default 8). */
  maxPerHolder?: number
  /** Holders per chunk the uploader placed (the manifest's replicas, default 3): these are asked first. */
  replicas?: number
  /** Chunks not to fetch (already on disk from an earlier, interrupted download). */
  skip?: (index: number) => boolean
  /** Deadline of one request to one holder (default 30 s): past it the holder is blamed as dead. */
  requestTimeoutMs?: number
  /**
   * The plaintext handed to `deliver` is only valid until deliver settles: its buffer is
   * then reused for another chunk. Saves a fresh buffer (and later garbage) per chunk;
   * only for a deliver that is done with the bytes when it resolves (a file write).
   */
  recycle?: boolean
  /** time for stall detection, deadlines and throughput (default real time) */
  clock?: Clock
  /** Where the uploader placed chunk `index` when not at its own address (a piece of a stripe). */
  placement?: (index: number) => Placement | undefined
  /**
   * Makes chunk `index` from elsewhere when no holder produces it (from its stripe, in an
   * erasure-coded file); what it throws is the chunk's failure.
   */
  rebuild?: (index: number, signal: AbortSignal) => Promise<Rebuilt>
}

export interface Blame { holder: string, reason: string }

export interface SwarmStats {
  /** Sealed bytes received, duplicates and rejected answers included. */
  fetchedBytes: number
  /** Chunks fetched (skipped ones not counted). */
  chunks: number
  /** Extra requests sent for stalled chunks and in endgame. */
  duplicates: number
  /** Chunks no holder produced, rebuilt from their stripe (erasure-coded files). */
  rebuilt: number
  /** Holders skipped for the rest of the download, and why. */
  blamed: Blame[]
  /** Verified chunks and bytes delivered per holder. */
  holders: Record<string, { chunks: number, bytes: number }>
}

/**
 * Called once per chunk with its verified plaintext; the chunk's window slot is held until
 * it settles. `signal` aborts when the download fails or is stopped: a deliver that waits
 * (for a consumer) must give up then, or the swarm could never end.
 */
export type Deliver = (index: number, plaintext: Uint8Array, signal: AbortSignal) => Promise<void> | void

const LOCAL = 'local'
const TICK_MS = 50
/** A request is "stalled" after this many times the recent median request time. */
const STALL_FACTOR = 3
const MIN_STALL_MS = 300
const RATE_LIMIT_BACKOFF_MS = 200

/** How the swarm checks what a holder sent for `ref` and turns it into what `deliver` gets. */
interface Opener<R> {
  /** the bytes are the chunk: whatever else fails with them is not the holder's fault */
  matches: (ref: R, sealed: Uint8Array) => boolean
  open: (ref: R, sealed: Uint8Array, inPlace: boolean) => Uint8Array
}

const CONTENT: Opener<ChunkRef> = {
  matches: matchesAddress,
  open: (ref, sealed, inPlace) => decryptChunk(ref, sealed, nodeCipher, inPlace)
}

/** A chunk known only by its address (a manifest): checked against it and handed over sealed. */
const SEALED: Opener<{ cid: CID }> = {
  matches: (ref, sealed) => equalBytes(sha256(sealed), ref.cid.multihash.digest),
  open: (_ref, sealed) => sealed
}

/**
 * Fetches, verifies and decrypts every chunk of `refs` (except skipped ones) and hands
 * each to `deliver`. Chunks start in index order, so an ordered consumer never waits
 * on a chunk that has no slot. Resolves with what happened; rejects with the first
 * chunk that no holder could produce (ChunkNotFoundError, IntegrityError) after
 * aborting the rest.
 */
export async function swarm (refs: ChunkRef[], source: ChunkSource, deliver: Deliver, options: SwarmOptions = {}): Promise<SwarmStats> {
  return await new Swarm(refs, CONTENT, asHolderSource(source), deliver, options).run()
}

/**
 * One chunk's bytes as stored (a manifest), verified against `cid`, asked of its holders
 * with the same policy as a download's chunks: blame, refresh, last resort.
 * @throws ChunkNotFoundError when no holder produces it
 */
export async function fetchSealed (cid: CID, source: ChunkSource, options: Pick<SwarmOptions, 'signal' | 'clock' | 'requestTimeoutMs'> = {}): Promise<Uint8Array> {
  let sealed: Uint8Array | undefined
  await new Swarm([{ cid }], SEALED, asHolderSource(source), (_index, bytes) => { sealed = bytes }, { ...options, window: 1 }).run()
  if (sealed === undefined) throw new ChunkNotFoundError(cid)
  return sealed
}

/** A plain ChunkSource (a local vault) is one holder that holds everything it has. */
export function asHolderSource (source: ChunkSource): HolderSource {
  const s = source as Partial<HolderSource>
  if (typeof s.holders === 'function' && typeof s.fetchFrom === 'function') return source as HolderSource
  return {
    get: async (cid, options) => await source.get(cid, options),
    holders: async () => [LOCAL],
    fetchFrom: async (_holder, cid, options) => await source.get(cid, options)
  }
}

interface HolderState {
  inFlight: number
  /** verified bytes from this holder, and the time it was busy producing them */
  bytes: number
  busyMs: number
  busySince: number
  backoffUntil: number
}

interface Attempt { holder: string, started: number, controller: AbortController, /** launch order */ seq: number }

interface ActiveChunk<R extends { cid: CID }> {
  index: number
  ref: R
  candidates: string[]
  /** holders asked for this chunk (and not to be asked again for it) */
  asked: Set<string>
  attempts: Attempt[]
  lastError: unknown
  /** some candidate was busy when a request was due: try again when capacity frees */
  waiting: boolean
  /** every candidate was asked in vain once and the source was asked for more */
  refreshed: boolean
  /** after that too, every known holder was made a candidate (see launch) */
  lastResort: boolean
  /** no holder produced it, and it is being rebuilt from its stripe */
  rebuilding: boolean
  /** holders whose request for this chunk failed (not: answered that they lack it) */
  failedOn: Set<string>
  /** what each holder asked last did: for the error when nobody produces the chunk */
  answers: Map<string, Answer>
  done: boolean
  resolve: (plaintext: Uint8Array) => void
  reject: (err: unknown) => void
}

class Swarm<R extends { cid: CID }> {
  private readonly window: number
  private readonly maxPerHolder: number
  private readonly requestTimeoutMs: number
  private readonly replicas: number
  private readonly holders = new Map<string, HolderState>()
  private readonly blamed = new Map<string, string>()
  /** how many requests had been launched when each holder was blamed */
  private readonly blamedAt = new Map<string, number>()
  private launched = 0
  /** blamed for sending bytes that are not the chunk: never asked again, not even as a last resort */
  private readonly liars = new Set<string>()
  private readonly active = new Set<ActiveChunk<R>>()
  private readonly latencies: number[] = []
  private readonly controller = new AbortController()
  private readonly signal: ClearableSignal
  private readonly clock: Clock
  private readonly stats: SwarmStats = { fetchedBytes: 0, chunks: 0, duplicates: 0, rebuilt: 0, blamed: [], holders: {} }
  private next = 0
  private running = 0
  private failure: unknown = undefined
  private wake: (() => void) | null = null
  private readonly skip: (index: number) => boolean
  private readonly placement: (index: number) => Placement | undefined
  private readonly rebuild: SwarmOptions['rebuild']
  /** chunks are assembled and decrypted in these buffers when `recycle` is on */
  private readonly pool: BufferPool | null

  constructor (private readonly refs: R[], private readonly opener: Opener<R>, private readonly source: HolderSource, private readonly deliver: Deliver, options: SwarmOptions) {
    this.window = Math.max(1, options.window ?? 8)
    this.maxPerHolder = Math.max(1, options.maxPerHolder ?? 8)
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.replicas = Math.max(1, options.replicas ?? 3)
    this.clock = options.clock ?? source.clock ?? systemClock
    this.signal = anySignal([options.signal, this.controller.signal])
    // every request joins this signal: a window's worth and their duplicates at once
    setMaxListeners(0, this.signal, this.controller.signal, ...(options.signal !== undefined ? [options.signal] : []))
    this.skip = options.skip ?? (() => false)
    this.placement = options.placement ?? (() => undefined)
    this.rebuild = options.rebuild
    // a window of chunks, duplicates and a few answers in flight; a buffer holds any frame
    this.pool = options.recycle === true ? new BufferPool(MAX_FRAME_BYTES, this.window + 2) : null
  }

  private readonly allocate = (length: number): Uint8Array => (this.pool as BufferPool).take(length)

  /** Returns a chunk's buffer to the pool (a buffer not from it is ignored). */
  private release (bytes: Uint8Array | undefined): void {
    if (bytes !== undefined) this.pool?.give(bytes.buffer)
  }

  async run (): Promise<SwarmStats> {
    const stopTicker = this.clock.every(TICK_MS, () => { this.tick() })
    try {
      while (true) {
        if (this.failure !== undefined) break
        this.signal.throwIfAborted()
        while (this.running < this.window && this.next < this.refs.length) {
          const index = this.next++
          if (this.skip(index)) continue
          this.running++
          void this.chunk(index).finally(() => { this.running--; this.notify() })
        }
        if (this.running === 0 && this.next >= this.refs.length) break
        await new Promise<void>(resolve => { this.wake = resolve })
      }
      if (this.failure !== undefined) throw this.failure
      this.signal.throwIfAborted()
      return this.report()
    } finally {
      if (this.running > 0) {
        const reason = this.failure ?? this.signal.reason
        this.controller.abort(reason)
        // a chunk waiting for a free holder has no request to end it: end it here
        for (const chunk of [...this.active]) if (chunk.attempts.length === 0) this.finish(chunk, { error: reason })
        while (this.running > 0) await new Promise<void>(resolve => { this.wake = resolve })
      }
      stopTicker()
      this.signal.clear()
    }
  }

  private notify (): void {
    const wake = this.wake
    this.wake = null
    wake?.()
  }

  private report (): SwarmStats {
    this.stats.blamed = [...this.blamed].map(([holder, reason]) => ({ holder, reason }))
    return this.stats
  }

  // One chunk from start to delivery; its window slot is held throughout.
  private async chunk (index: number): Promise<void> {
    try {
      const ref = this.refs[index]
      const candidates = await this.source.holders(ref.cid, this.holdersOptions(index))
      const plaintext = await new Promise<Uint8Array>((resolve, reject) => {
        const chunk: ActiveChunk<R> = { index, ref, candidates: [...candidates], asked: new Set(), attempts: [], lastError: undefined, waiting: false, refreshed: false, lastResort: false, rebuilding: false, failedOn: new Set(), answers: new Map(), done: false, resolve, reject }
        this.active.add(chunk)
        this.launch(chunk)
      })
      try {
        await this.deliver(index, plaintext, this.signal)
      } finally {
        this.release(plaintext)
      }
    } catch (err) {
      if (this.failure === undefined && !this.signal.aborted) {
        this.failure = err
        this.controller.abort(err)
      }
    }
  }

  private finish (chunk: ActiveChunk<R>, outcome: { plaintext: Uint8Array } | { error: unknown }): void {
    if (chunk.done) return
    chunk.done = true
    this.active.delete(chunk)
    for (const attempt of chunk.attempts) attempt.controller.abort(new Error('another holder answered first'))
    if ('plaintext' in outcome) chunk.resolve(outcome.plaintext)
    else chunk.reject(outcome.error)
  }

  /** Asks one more holder for the chunk, if one is free. Returns whether it did. */
  private launch (chunk: ActiveChunk<R>): boolean {
    if (chunk.done || chunk.rebuilding) return false
    if (this.signal.aborted) {
      this.finish(chunk, { error: this.signal.reason })
      return false
    }
    const now = this.clock.now()
    const unasked = chunk.candidates.filter(h => !chunk.asked.has(h))
    let open = unasked.filter(h => !this.blamed.has(h))
    if (chunk.lastResort && open.length === 0) {
      // holders that failed first; then even one that sent bad bytes for another chunk:
      // every answer is verified, and a disk with one bad blob may hold the only good copy
      open = unasked.filter(h => !this.liars.has(h))
      if (open.length === 0) open = unasked
    }
    // the closest candidates are where the uploader put it; the rest only if they fail
    const ready = open.slice(0, this.replicas).filter(h => this.state(h).inFlight < this.limit(h) && this.state(h).backoffUntil <= now)
    if (ready.length === 0) {
      if (open.length > 0 || chunk.attempts.length > 0) {
        chunk.waiting = chunk.attempts.length === 0
        return false
      }
      if (!chunk.refreshed) {
        // nobody we knew of had it: the holder list may be stale or short, ask once more
        chunk.refreshed = true
        void this.refresh(chunk)
        return false
      }
      if (!chunk.lastResort) {
        chunk.lastResort = true
        for (const holder of chunk.failedOn) chunk.asked.delete(holder)
        for (const holder of this.holders.keys()) if (!chunk.candidates.includes(holder)) chunk.candidates.push(holder)
        log('chunk %d: no holder left, asking every known one once more', chunk.index)
        return this.launch(chunk)
      }
      if (this.rebuild !== undefined) void this.rebuildChunk(chunk, this.rebuild)
      else this.finish(chunk, { error: this.unproduced(chunk) })
      return false
    }
    chunk.waiting = false
    // the holder expected to answer first: least queued work per unit of its throughput
    const holder = ready.reduce((best, h) => this.expectedWait(h) < this.expectedWait(best) ? h : best)
    chunk.asked.add(holder)
    const attempt: Attempt = { holder, started: now, controller: new AbortController(), seq: ++this.launched }
    chunk.attempts.push(attempt)
    const state = this.state(holder)
    if (state.inFlight++ === 0) state.busySince = now
    const signal = anySignal([this.signal, attempt.controller.signal, this.clock.timeout(this.requestTimeoutMs)])
    void this.attempt(chunk, attempt, signal).finally(() => { signal.clear() })
    return true
  }

  private async attempt (chunk: ActiveChunk<R>, attempt: Attempt, signal: AbortSignal): Promise<void> {
    const { holder } = attempt
    let outcome: 'ok' | 'missing' | 'busy' | 'failed' | 'cancelled' = 'failed'
    let plaintext: Uint8Array | undefined
    let received = 0
    try {
      const sealed = await this.source.fetchFrom(holder, chunk.ref.cid, { signal, ...(this.pool !== null ? { allocate: this.allocate } : {}) })
      if (sealed === null) {
        outcome = 'missing'
        chunk.answers.set(holder, 'did not have it')
      } else {
        this.stats.fetchedBytes += sealed.byteLength
        received = sealed.byteLength
        if (chunk.done) {
          outcome = 'cancelled'
          this.release(sealed)
        } else if (!this.opener.matches(chunk.ref, sealed)) {
          chunk.lastError = new IntegrityError(`chunk ${chunk.ref.cid.toString()}: ${holder} sent bytes that do not hash to its address`)
          this.blame(holder, `sent bytes that do not hash to ${chunk.ref.cid.toString()}`)
          this.liars.add(holder)
          chunk.answers.set(holder, 'sent bad bytes')
          this.release(sealed)
        } else {
          // the bytes are the chunk: a failure to open it is the manifest's, not the holder's
          outcome = 'ok'
          plaintext = this.opener.open(chunk.ref, sealed, this.pool !== null)
          // decompressed into a new buffer: the sealed one is free at once
          if (plaintext.buffer !== sealed.buffer) this.release(sealed)
        }
      }
    } catch (err) {
      if (chunk.done || this.signal.aborted || attempt.controller.signal.aborted) {
        outcome = 'cancelled'
      } else if (outcome === 'ok') {
        this.finish(chunk, { error: err })
      } else if (err instanceof RemoteError && err.wireCode === 'RATE_LIMITED') {
        outcome = 'busy'
      } else {
        chunk.lastError = err
        chunk.failedOn.add(holder)
        // a deadline of ours or the source's own: either way the holder did not answer in time
        chunk.answers.set(holder, (signal.aborted && (signal.reason as Error)?.name === 'TimeoutError') || (err as Error)?.name === 'TimeoutError' ? 'timed out' : 'failed')
        this.blame(holder, describe(err))
      }
    } finally {
      const now = this.clock.now()
      const state = this.state(holder)
      if (--state.inFlight === 0) state.busyMs += now - state.busySince
      chunk.attempts.splice(chunk.attempts.indexOf(attempt), 1)
      if (outcome === 'ok' && plaintext !== undefined) {
        // a holder blamed for a failure that has now served a verified chunk (as a last
        // resort) is working again: ask it like the others from here on
        // (only a request made after the blame counts: one already in flight when the holder
        // failed says nothing about whether it has recovered)
        if (!this.liars.has(holder) && (this.blamedAt.get(holder) ?? Infinity) < attempt.seq) {
          this.blamed.delete(holder)
          this.blamedAt.delete(holder)
          log('%s served a verified chunk: no longer blamed', holder)
        }
        state.bytes += received
        this.recordLatency(now - attempt.started)
        this.stats.chunks++
        const mine = this.stats.holders[holder] ??= { chunks: 0, bytes: 0 }
        mine.chunks++
        mine.bytes += received
        this.finish(chunk, { plaintext })
      } else if (outcome === 'busy') {
        state.backoffUntil = now + RATE_LIMIT_BACKOFF_MS
        chunk.asked.delete(holder) // not its fault: it may be asked again once the backoff ends
      }
      if (!chunk.done && chunk.attempts.length === 0) this.launch(chunk)
      this.capacityFreed()
    }
  }

  private holdersOptions (index: number): AbortOptions & { placement?: Placement } {
    const placement = this.placement(index)
    return placement !== undefined ? { signal: this.signal, placement } : { signal: this.signal }
  }

  /**
   * No holder produced the chunk: it is made from its stripe instead, and checked against
   * its address like any holder's answer. Its failure says what was asked of whom.
   */
  private async rebuildChunk (chunk: ActiveChunk<R>, rebuild: NonNullable<SwarmOptions['rebuild']>): Promise<void> {
    chunk.rebuilding = true
    chunk.waiting = false
    log('chunk %d: no holder produced it, rebuilding it from its stripe', chunk.index)
    try {
      const { sealed, fetchedBytes } = await rebuild(chunk.index, this.signal)
      this.stats.fetchedBytes += fetchedBytes
      if (!this.opener.matches(chunk.ref, sealed)) throw new IntegrityError(`chunk ${chunk.ref.cid.toString()}: rebuilt from its stripe, it does not hash to its address (the manifest's parity is wrong)`)
      const plaintext = this.opener.open(chunk.ref, sealed, false)
      this.stats.chunks++
      this.stats.rebuilt++
      this.finish(chunk, { plaintext })
    } catch (err) {
      this.finish(chunk, { error: err })
    }
  }

  private async refresh (chunk: ActiveChunk<R>): Promise<void> {
    try {
      const more = await this.source.holders(chunk.ref.cid, { ...this.holdersOptions(chunk.index), refresh: true })
      for (const holder of more) if (!chunk.candidates.includes(holder)) chunk.candidates.push(holder)
      log('chunk %d: none of the holders had it, %d candidates after a fresh lookup', chunk.index, chunk.candidates.length)
    } catch (err) {
      chunk.lastError ??= err
    }
    this.launch(chunk)
  }

  // Capacity came free: chunks that found every holder busy go first, in index order.
  private capacityFreed (): void {
    for (const chunk of [...this.active].sort((a, b) => a.index - b.index)) {
      if (chunk.waiting) this.launch(chunk)
    }
  }

  // Every tick: retry chunks held back by busy or backing-off holders, duplicate stalled
  // requests, and in endgame (nothing left to start) duplicate the stragglers.
  private tick (): void {
    this.capacityFreed()
    const stallMs = this.stallMs()
    const endgame = this.next >= this.refs.length
    const now = this.clock.now()
    for (const chunk of [...this.active].sort((a, b) => a.index - b.index)) {
      if (chunk.done || chunk.attempts.length !== 1) continue
      const age = now - chunk.attempts[0].started
      if (age > stallMs || (endgame && age > stallMs / STALL_FACTOR)) {
        if (this.launch(chunk)) {
          this.stats.duplicates++
          log('%s: duplicating chunk %d (%s for %d ms)', endgame ? 'endgame' : 'stall', chunk.index, chunk.attempts[0].holder, Math.round(age))
        }
      }
    }
  }

  private stallMs (): number {
    if (this.latencies.length < 4) return Math.max(MIN_STALL_MS, this.requestTimeoutMs / 10)
    const sorted = [...this.latencies].sort((a, b) => a - b)
    return Math.max(MIN_STALL_MS, STALL_FACTOR * sorted[sorted.length >> 1])
  }

  private recordLatency (ms: number): void {
    this.latencies.push(ms)
    if (this.latencies.length > 32) this.latencies.shift()
  }

  private state (holder: string): HolderState {
    let state = this.holders.get(holder)
    if (state === undefined) {
      state = { inFlight: 0, bytes: 0, busyMs: 0, busySince: 0, backoffUntil: 0 }
      this.holders.set(holder, state)
    }
    return state
  }

  /** Measured bytes per ms, or undefined before the first answer. */
  private rate (holder: string): number | undefined {
    const state = this.state(holder)
    const busy = state.busyMs + (state.inFlight > 0 ? this.clock.now() - state.busySince : 0)
    return state.bytes > 0 && busy > 0 ? state.bytes / busy : undefined
  }

  // A holder's share of the window follows its share of the measured throughput; one
  // not yet measured gets an even share, so every holder is tried early.
  private limit (holder: string): number {
    const measured = [...this.holders.keys()].filter(h => !this.blamed.has(h)).map(h => this.rate(h)).filter((r): r is number => r !== undefined)
    const mine = this.rate(holder)
    const peers = Math.max(1, [...this.holders.keys()].filter(h => !this.blamed.has(h)).length)
    if (mine === undefined || measured.length === 0) return Math.min(this.maxPerHolder, Math.max(2, Math.ceil(this.window / peers)))
    const total = measured.reduce((a, b) => a + b, 0)
    return Math.min(this.maxPerHolder, Math.max(1, Math.ceil(this.window * mine / total)))
  }

  // Queued requests over throughput; a holder not yet measured is assumed average.
  private expectedWait (holder: string): number {
    const rate = this.rate(holder) ?? this.averageRate() ?? 1
    return (this.state(holder).inFlight + 1) / rate
  }

  private averageRate (): number | undefined {
    const rates = [...this.holders.keys()].map(h => this.rate(h)).filter((r): r is number => r !== undefined)
    return rates.length === 0 ? undefined : rates.reduce((a, b) => a + b, 0) / rates.length
  }

  /**
   * Why a chunk could not be had: bad bytes from everyone who answered (IntegrityError);
   * a local vault's own failure as it is (a disk error is not a missing chunk); otherwise
   * ChunkNotFoundError saying what the holders did.
   */
  private unproduced (chunk: ActiveChunk<R>): unknown {
    if (chunk.lastError instanceof IntegrityError) return chunk.lastError
    if (chunk.answers.size === 1 && chunk.answers.has(LOCAL) && chunk.lastError !== undefined) return chunk.lastError
    return notFound(chunk)
  }

  private blame (holder: string, reason: string): void {
    if (holder === LOCAL || this.blamed.has(holder)) return
    log('blaming %s: %s', holder, reason)
    this.blamed.set(holder, reason)
    this.blamedAt.set(holder, this.launched)
  }
}

type Answer = 'did not have it' | 'timed out' | 'failed' | 'sent bad bytes'

/** The chunk is nowhere to be had; unless every holder asked simply lacks it, say what they did. */
function notFound (chunk: ActiveChunk<{ cid: CID }>): ChunkNotFoundError {
  const answers = [...chunk.answers.values()]
  if (answers.length === 0 || answers.every(answer => answer === 'did not have it')) return new ChunkNotFoundError(chunk.ref.cid)
  const counts = new Map<Answer, number>()
  for (const answer of answers) counts.set(answer, (counts.get(answer) ?? 0) + 1)
  const done = [...counts].map(([answer, n]) => `${n} ${answer}`).join(', ')
  // nobody said it lacks the chunk: the holders (or our link to them) may be back later
  const passing = !answers.includes('did not have it')
  return new ChunkNotFoundError(chunk.ref.cid, `${answers.length} holder${answers.length === 1 ? '' : 's'} asked: ${done}`, { cause: chunk.lastError, passing })
}

function describe (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
