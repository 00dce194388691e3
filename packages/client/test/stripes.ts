// A small network of holders in memory for erasure-coded files: a stripe's piece i goes to
// the i-th holder closest to the stripe's key (as docs/durability.md places it), anything
// else to the `replicas` holders closest to its address. Pieces can be deleted from their
// holders, and the source answers like the network source: holders around the stripe's
// key, the piece's own first.
import { createHash } from 'node:crypto'
import type { CID } from 'multiformats/cid'
import { stripeKey } from '@shoal/protocol'
import type { CheckSource, ChunkSink, HolderSource, Placement } from '../src/index.js'

export interface StripedNet {
  sink: ChunkSink
  source: HolderSource & CheckSource
  /** holder name → what it holds (by CID text) */
  holders: Map<string, Map<string, Uint8Array>>
  /** the holder piece `index` of the stripe of these pieces was put on */
  holderOf: (pieces: CID[], index: number) => string
  /** removes every copy of the piece's CID from its holder */
  drop: (pieces: CID[], index: number) => void
  /** fetches answered, per holder */
  fetches: Map<string, number>
}

const id = (name: string): Uint8Array => createHash('sha256').update(name).digest()

function closest (names: string[], key: Uint8Array): string[] {
  const distance = (name: string): Buffer => Buffer.from(id(name).map((b, i) => b ^ key[i]))
  return [...names].sort((a, b) => Buffer.compare(distance(a), distance(b)))
}

export function stripedNet (count: number, replicas = 3): StripedNet {
  const names = Array.from({ length: count }, (_, i) => `h${i}`)
  const holders = new Map(names.map(name => [name, new Map<string, Uint8Array>()]))
  const fetches = new Map<string, number>()
  const keep = (name: string, cid: CID, bytes: Uint8Array): boolean => {
    const held = holders.get(name) as Map<string, Uint8Array>
    const fresh = !held.has(cid.toString())
    held.set(cid.toString(), bytes.slice())
    return fresh
  }
  const holderOf = (pieces: CID[], index: number): string => closest(names, stripeKey(pieces))[index]
  const sink: ChunkSink = {
    put: async (cid, bytes) => closest(names, cid.multihash.bytes).slice(0, replicas).map(name => keep(name, cid, bytes)).some(Boolean),
    putStripe: async pieces => pieces.map((piece, i) => keep(holderOf(pieces.map(p => p.cid), i), piece.cid, piece.bytes))
  }
  const source: HolderSource & CheckSource = {
    get: async cid => {
      for (const held of holders.values()) if (held.has(cid.toString())) return held.get(cid.toString()) as Uint8Array
      return null
    },
    holders: async (cid, options: { placement?: Placement } = {}) => {
      const placement = options.placement
      if (placement === undefined) return closest(names, cid.multihash.bytes)
      const order = closest(names, placement.key)
      return [order[placement.index], ...order.filter((_, i) => i !== placement.index)]
    },
    fetchFrom: async (holder, cid) => {
      fetches.set(holder, (fetches.get(holder) ?? 0) + 1)
      return holders.get(holder)?.get(cid.toString())?.slice() ?? null
    },
    has: async (holder, cids) => cids.map(cid => holders.get(holder)?.has(cid.toString()) === true)
  }
  return {
    sink,
    source,
    holders,
    holderOf,
    drop: (pieces, index) => { holders.get(holderOf(pieces, index))?.delete(pieces[index].toString()) },
    fetches
  }
}
