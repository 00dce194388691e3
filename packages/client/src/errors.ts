import type { CID } from 'multiformats/cid'

/**
 * No source could produce a chunk the manifest names. `why` says what its holders did
 * when it was not simply that none of them had it ("2 timed out, 1 unreachable").
 */
export class ChunkNotFoundError extends Error {
  static readonly code = 'ERR_CHUNK_NOT_FOUND'
  readonly code = ChunkNotFoundError.code
  override name = 'ChunkNotFoundError'
  constructor (readonly cid: CID, readonly why?: string) {
    super(`chunk ${cid.toString()} not found${why !== undefined ? `: ${why}` : ''}`)
  }
}

/** The capability points at something of the wrong kind (a file where a directory was needed, ...). */
export class WrongTypeError extends Error {
  static readonly code = 'ERR_WRONG_TYPE'
  readonly code = WrongTypeError.code
  override name = 'WrongTypeError'
}
