// Rebuilding a data chunk of an erasure-coded file that no holder produced: any k pieces
// of its stripe (the other data pieces first, then parity) are fetched from the stripe's
// holders, each verified against its CID, and the chunk is computed from them. Chunks of
// one stripe lost together share one fetch of its pieces.
import { anySignal } from 'any-signal'
import pLimit from 'p-limit'
import { sha256 } from '@shoal/crypto'
import { rebuildPieces } from '@shoal/erasure'
import { systemClock, type Clock } from '@shoal/runtime'
import { StripeLostError } from './errors.js'
import { equalBytes } from './seal.js'
import type { StripeLayout } from './stripe-layout.js'
import type { HolderSource } from './types.js'

/** Stripes whose pieces are being fetched at once: each holds up to k chunks in memory. */
const STRIPES_AT_ONCE = 2

export interface Rebuilt {
  /** the chunk's sealed bytes, as stored (the caller verifies them against its CID) */
  sealed: Uint8Array
  /** sealed bytes received for it (the stripe's pieces, shared with its other lost chunks) */
  fetchedBytes: number
}

export interface RebuilderOptions {
  /** deadline of one request to one holder (default 30 s) */
  requestTimeoutMs?: number
  clock?: Clock
}

/** What was fetched of a stripe: its pieces (null: no holder produced it) and why they are missing. */
interface Fetched {
  pieces: Array<Uint8Array | null>
  fetchedBytes: number
  /** some holder of a missing piece said it lacks it (not only failures) */
  absent: boolean
}

export type Rebuild = (chunk: number, signal: AbortSignal) => Promise<Rebuilt>

/** Rebuilds chunks of the file `layout` describes, from pieces `source` holds. */
export function stripeRebuilder (layout: StripeLayout, source: HolderSource, options: RebuilderOptions = {}): Rebuild {
  const clock = options.clock ?? source.clock ?? systemClock
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000
  const limit = pLimit(STRIPES_AT_ONCE)
  // per stripe: the pieces its rebuilding chunks share, and the data pieces known lost
  const open = new Map<number, { fetched?: Promise<Fetched>, lost: Set<number>, users: number, counted: boolean }>()

  /** One piece from the holders the stripe's placement names, verified; null when none has it. */
  async function fetchPiece (stripe: number, index: number, signal: AbortSignal, said: { absent: boolean }): Promise<Uint8Array | null> {
    const cid = layout.pieces(stripe)[index]
    const size = layout.sizes(stripe)[index]
    const holders = await source.holders(cid, { signal, placement: layout.placement(stripe, index) })
    for (const holder of holders) {
      signal.throwIfAborted()
      const request = anySignal([signal, clock.timeout(requestTimeoutMs)])
      try {
        const bytes = await source.fetchFrom(holder, cid, { signal: request })
        if (bytes === null) said.absent = true
        else if (bytes.byteLength === size && equalBytes(sha256(bytes), cid.multihash.digest)) return bytes
      } catch {
        signal.throwIfAborted() // a holder that fails is passed over: another may hold the piece
      } finally {
        request.clear()
      }
    }
    return null
  }

  /** Any k of the stripe's pieces, skipping the data pieces already known lost, `k` requests at a time. */
  async function fetchStripe (stripe: number, lost: Set<number>, signal: AbortSignal): Promise<Fetched> {
    const width = layout.dataPieces(stripe) + layout.m
    const needed = layout.dataPieces(stripe)
    const pieces = new Array<Uint8Array | null>(width).fill(null)
    const order = Array.from({ length: width }, (_, i) => i).filter(i => !lost.has(i))
    const said = { absent: false }
    const enough = new AbortController()
    const within = anySignal([signal, enough.signal])
    let present = 0
    let fetchedBytes = 0
    let next = 0
    const lane = async (): Promise<void> => {
      while (present < needed && next < order.length) {
        const index = order[next++]
        const bytes = await fetchPiece(stripe, index, within, said).catch(err => { if (signal.aborted) throw err; return null })
        if (bytes === null) continue
        pieces[index] = bytes
        fetchedBytes += bytes.byteLength
        if (++present >= needed) enough.abort()
      }
    }
    try {
      await Promise.all(Array.from({ length: needed }, lane))
    } finally {
      within.clear()
    }
    signal.throwIfAborted()
    return { pieces, fetchedBytes, absent: said.absent || lost.size > 0 }
  }

  return async (chunk, signal) => {
    const stripe = layout.stripeOf(chunk)
    const index = chunk - stripe * layout.k
    let entry = open.get(stripe)
    if (entry === undefined) {
      entry = { lost: new Set(), users: 0, counted: false }
      open.set(stripe, entry)
    }
    entry.users++
    entry.lost.add(index)
    try {
      const state = entry
      state.fetched ??= limit(async () => await fetchStripe(stripe, state.lost, signal))
      const fetched = await state.fetched
      const needed = layout.dataPieces(stripe)
      const missing = fetched.pieces.flatMap((piece, i) => piece === null ? [i] : [])
      if (fetched.pieces.length - missing.length < needed) {
        throw new StripeLostError(stripe, missing, needed, fetched.pieces.length, { passing: !fetched.absent })
      }
      const [sealed] = rebuildPieces(fetched.pieces, layout.sizes(stripe), needed, [index])
      const fetchedBytes = state.counted ? 0 : fetched.fetchedBytes
      state.counted = true
      return { sealed, fetchedBytes }
    } finally {
      if (--entry.users === 0) open.delete(stripe)
    }
  }
}
