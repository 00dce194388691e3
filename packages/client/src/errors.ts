import type { CID } from 'multiformats/cid'

/**
 * No source could produce a chunk the manifest names. `why` says what its holders did
 * when it was not simply that none of them had it ("2 timed out, 9 did not have it");
 * `cause` is the last failure. When no holder answered that it lacks the chunk (they
 * failed or timed out: the network or this machine may be what failed), the failure may
 * pass: `interruption` is true, and a download keeps what it wrote for the next try.
 */
export class ChunkNotFoundError extends Error {
  static readonly code = 'ERR_CHUNK_NOT_FOUND'
  readonly code = ChunkNotFoundError.code
  override name = 'ChunkNotFoundError'
  readonly interruption: boolean
  constructor (readonly cid: CID, readonly why?: string, options?: ErrorOptions & { passing?: boolean }) {
    super(`chunk ${cid.toString()} not found${why !== undefined ? `: ${why}` : ''}`, options)
    this.interruption = options?.passing === true
  }
}

/** The capability points at something of the wrong kind (a file where a directory was needed, ...). */
export class WrongTypeError extends Error {
  static readonly code = 'ERR_WRONG_TYPE'
  readonly code = WrongTypeError.code
  override name = 'WrongTypeError'
}
