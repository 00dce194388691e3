// How a chunk's index entry is written: CBOR arrays, small and without field names, since
// there is one per held chunk. Version 1 wrote JSON objects; they still read (as pinned
// entries) so a vault migrated halfway by a crash reads either kind.
import { decode, encode } from 'cborg'
import { CID } from 'multiformats/cid'
import type { RedundancyTarget } from '@shoal/protocol'
import { CorruptIndexEntryError } from './errors.js'
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

/** @throws CorruptIndexEntryError when the bytes are neither kind of entry, or hold a cell of the wrong type */
export function decodeEntry (bytes: Uint8Array): ChunkEntry {
  if (bytes[0] === JSON_OPEN_BRACE) return fromVersion1(bytes)
  let cells: unknown
  try {
    cells = decode(bytes)
  } catch (err) {
    throw new CorruptIndexEntryError((err as Error).message)
  }
  if (!Array.isArray(cells) || cells.length < 4 || !Array.isArray(cells[3])) throw new CorruptIndexEntryError('not a chunk index entry')
  const [size, storedAt, flags, leases] = cells as EntryCells
  check(isCount(size) && Number.isSafeInteger(storedAt) && isCount(flags), 'size, time or flags')
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
  let entry: { size?: unknown, storedAt?: unknown } | null
  try {
    entry = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
  } catch (err) {
    throw new CorruptIndexEntryError((err as Error).message)
  }
  const { size, storedAt } = entry ?? {}
  if (!isCount(size) || !Number.isSafeInteger(storedAt)) throw new CorruptIndexEntryError('not a version 1 chunk index entry')
  return { size, storedAt: storedAt as number, leases: NO_LEASES, pinned: true, recovered: false }
}

function leaseCells (lease: LeaseRecord): LeaseCells {
  const { target } = lease
  const targetCells: TargetCells = target.scheme === 'replicate'
    ? [target.replicas]
    : [target.k, target.m, target.index, target.pieces.map(cid => cid.bytes), target.sizes]
  return [lease.owner, lease.expires, lease.signature, targetCells, lease.granted ?? 0]
}

function fromLeaseCells (cells: LeaseCells): LeaseRecord {
  check(Array.isArray(cells) && (cells.length === 4 || cells.length === 5), 'lease')
  const [owner, expires, signature, target, granted] = cells
  check(owner instanceof Uint8Array && signature instanceof Uint8Array && Number.isSafeInteger(expires), 'lease owner, expiry or signature')
  check(granted === undefined || Number.isSafeInteger(granted), 'lease grant time')
  return { owner, expires, signature, target: fromTargetCells(target), granted: granted ?? 0 }
}

function fromTargetCells (cells: TargetCells): RedundancyTarget {
  check(Array.isArray(cells) && (cells.length === 1 || cells.length === 5), 'lease target')
  if (cells.length === 1) {
    check(isCount(cells[0]) && cells[0] >= 1, 'replicas')
    return { scheme: 'replicate', replicas: cells[0] }
  }
  const [k, m, index, pieces, sizes] = cells
  check(isCount(k) && isCount(m) && isCount(index) && k >= 1 && m >= 1 && index < k + m, 'stripe shape')
  check(Array.isArray(pieces) && pieces.length === k + m && pieces.every(piece => piece instanceof Uint8Array), 'stripe pieces')
  check(Array.isArray(sizes) && sizes.length === k + m && sizes.every(isCount), 'stripe sizes')
  let cids: CID[]
  try {
    cids = pieces.map(bytes => CID.decode(bytes))
  } catch (err) {
    throw new CorruptIndexEntryError(`stripe piece: ${(err as Error).message}`)
  }
  return { scheme: 'erasure', k, m, index, pieces: cids, sizes }
}

function isCount (value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

function check (ok: boolean, what: string): asserts ok {
  if (!ok) throw new CorruptIndexEntryError(`${what} of the wrong type or out of range`)
}
