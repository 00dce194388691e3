// How a chunk's index entry is written: CBOR arrays, small and without field names, since
// there is one per held chunk. Version 1 wrote JSON objects; they still read (as pinned
// entries) so a vault migrated halfway by a crash reads either kind.
import { decode, encode } from 'cborg'
import { CID } from 'multiformats/cid'
import type { RedundancyTarget } from '@shoal/protocol'
import { NO_LEASES } from './leases.js'
import type { LeaseRecord } from './records.js'

/** What the index knows about a held chunk. */
export interface ChunkEntry {
  /** bytes of the blob file */
  size: number
  /** ms since the epoch */
  storedAt: number
  leases: readonly LeaseRecord[]
  /** put without leases: never collected */
  pinned: boolean
  /** rebuilt from its blob after its record was lost: kept until leases come */
  recovered: boolean
}

const PINNED = 1
const RECOVERED = 2
const JSON_OPEN_BRACE = 0x7b

// entry:  [size, storedAt, flags, [lease...]]
// lease:  [owner, expires, signature, target, granted] (the fifth cell came later in
//         schema 2: an entry without it reads as granted 0)
// target: [replicas] | [k, m, index, [piece CID bytes...], [size...]]
type TargetCells = [number] | [number, number, number, Uint8Array[], number[]]
type LeaseCells = [Uint8Array, number, Uint8Array, TargetCells, number?]
type EntryCells = [number, number, number, LeaseCells[]]

export function encodeEntry (entry: ChunkEntry): Uint8Array {
  const flags = (entry.pinned ? PINNED : 0) | (entry.recovered ? RECOVERED : 0)
  const cells: EntryCells = [entry.size, entry.storedAt, flags, entry.leases.map(leaseCells)]
  return encode(cells)
}

/** @throws Error when the bytes are neither kind of entry */
export function decodeEntry (bytes: Uint8Array): ChunkEntry {
  if (bytes[0] === JSON_OPEN_BRACE) return fromVersion1(bytes)
  const cells = decode(bytes) as EntryCells
  if (!Array.isArray(cells) || cells.length < 4 || !Array.isArray(cells[3])) throw new Error('not a chunk index entry')
  const [size, storedAt, flags, leases] = cells
  return {
    size,
    storedAt,
    leases: leases.length === 0 ? NO_LEASES : leases.map(fromLeaseCells),
    pinned: (flags & PINNED) !== 0,
    recovered: (flags & RECOVERED) !== 0
  }
}

/** Whether the bytes are a version 1 (JSON) entry, which migration rewrites. */
export function isVersion1 (bytes: Uint8Array): boolean {
  return bytes[0] === JSON_OPEN_BRACE
}

/** A version 1 entry had no leases, and nobody can know them now: it is kept as pinned. */
function fromVersion1 (bytes: Uint8Array): ChunkEntry {
  const { size, storedAt } = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
  if (typeof size !== 'number' || typeof storedAt !== 'number') throw new Error('not a version 1 chunk index entry')
  return { size, storedAt, leases: NO_LEASES, pinned: true, recovered: false }
}

function leaseCells (lease: LeaseRecord): LeaseCells {
  const { target } = lease
  const targetCells: TargetCells = target.scheme === 'replicate'
    ? [target.replicas]
    : [target.k, target.m, target.index, target.pieces.map(cid => cid.bytes), target.sizes]
  return [lease.owner, lease.expires, lease.signature, targetCells, lease.granted ?? 0]
}

function fromLeaseCells ([owner, expires, signature, target, granted]: LeaseCells): LeaseRecord {
  return { owner, expires, signature, target: fromTargetCells(target), granted: granted ?? 0 }
}

function fromTargetCells (cells: TargetCells): RedundancyTarget {
  if (cells.length === 1) return { scheme: 'replicate', replicas: cells[0] }
  const [k, m, index, pieces, sizes] = cells
  return { scheme: 'erasure', k, m, index, pieces: pieces.map(bytes => CID.decode(bytes)), sizes }
}
