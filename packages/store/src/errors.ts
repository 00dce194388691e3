export { IntegrityError } from '@shoal/crypto'

/**
 * The put would take the vault past the space it offers (`limit: 'space'`), or the disk
 * under it has no room for it, whatever the vault offers (`limit: 'disk'`).
 */
export class NoSpaceError extends Error {
  static readonly code = 'ERR_NO_SPACE'
  readonly code = NoSpaceError.code
  override name = 'NoSpaceError'
  constructor (readonly needed: number, readonly free: number, readonly limit: 'space' | 'disk' = 'space') {
    super(limit === 'space' ? `vault full: needs ${needed} bytes, ${free} free` : `disk full: needs ${needed} bytes, ${free} free on the vault's disk`)
  }
}

/** Another store (in this process or another) has the data dir open. */
export class StoreLockedError extends Error {
  static readonly code = 'ERR_STORE_LOCKED'
  readonly code = StoreLockedError.code
  override name = 'StoreLockedError'
  constructor (readonly dir: string, options?: ErrorOptions) {
    super(`vault store at ${dir} is already open (locked by this or another process)`, options)
  }
}

/** A chunk bigger than the largest chunk the network produces (4 MiB + AEAD tag). */
export class ChunkTooLargeError extends Error {
  static readonly code = 'ERR_CHUNK_TOO_LARGE'
  readonly code = ChunkTooLargeError.code
  override name = 'ChunkTooLargeError'
  constructor (readonly size: number, readonly max: number) {
    super(`chunk of ${size} bytes exceeds the ${max} byte maximum`)
  }
}

/** The store is not started, or has been stopped. */
export class StoreClosedError extends Error {
  static readonly code = 'ERR_STORE_CLOSED'
  readonly code = StoreClosedError.code
  override name = 'StoreClosedError'
  constructor () {
    super('vault store is not open')
  }
}

/** Vault chunks are addressed by CIDv1 raw + sha2-256 only; anything else is refused. */
export class UnsupportedCidError extends Error {
  static readonly code = 'ERR_UNSUPPORTED_CID'
  readonly code = UnsupportedCidError.code
  override name = 'UnsupportedCidError'
  constructor (readonly cid: string, reason: string) {
    super(`unsupported chunk address ${cid}: ${reason} (expected CIDv1, codec raw 0x55, sha2-256)`)
  }
}

/** An index entry on disk does not read as one (a bad bit, a torn write): the index treats it as unreadable. */
export class CorruptIndexEntryError extends Error {
  static readonly code = 'ERR_CORRUPT_INDEX_ENTRY'
  readonly code = CorruptIndexEntryError.code
  override name = 'CorruptIndexEntryError'
  constructor (readonly reason: string) {
    super(`corrupt index entry: ${reason}`)
  }
}
