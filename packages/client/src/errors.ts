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

/** A link to restore, by its path in the tree, and where it points. */
export interface LinkRef { path: string, target: string }

/**
 * A tree holds symbolic links that would lead outside the directory it is restored into
 * (absolute targets, or '..' climbing out): refused unless the caller allows them, named
 * in `allowedBy` (an option, a flag).
 */
export class EscapingLinkError extends Error {
  static readonly code = 'ERR_ESCAPING_LINK'
  readonly code = EscapingLinkError.code
  override name = 'EscapingLinkError'
  constructor (readonly links: LinkRef[], allowedBy: string) {
    const shown = links.slice(0, 3).map(link => `${JSON.stringify(link.path)} -> ${JSON.stringify(link.target)}`).join(', ')
    const more = links.length > 3 ? `, and ${links.length - 3} more` : ''
    super(`refusing to restore ${links.length} symbolic link${links.length === 1 ? '' : 's'} that point${links.length === 1 ? 's' : ''} outside the output directory (${shown}${more}); ${allowedBy} restores them as they are`)
  }
}

/**
 * More pieces of a stripe of an erasure-coded file are gone than its parity covers:
 * `stripe` is its index in the file, `missing` the pieces (0..k-1 data, then parity) no
 * holder produced, `needed` how many of its `pieces` any rebuild takes. When none of
 * the missing pieces' holders said they lack them (they failed or timed out), the
 * failure may pass (`interruption`), as for ChunkNotFoundError.
 */
export class StripeLostError extends Error {
  static readonly code = 'ERR_STRIPE_LOST'
  readonly code = StripeLostError.code
  override name = 'StripeLostError'
  readonly interruption: boolean
  constructor (readonly stripe: number, readonly missing: number[], readonly needed: number, readonly pieces: number, options?: ErrorOptions & { passing?: boolean }) {
    super(`stripe ${stripe} cannot be rebuilt: pieces ${missing.join(', ')} of its ${pieces} are missing, and any ${needed} are needed (${pieces - missing.length} found)`, options)
    this.interruption = options?.passing === true
  }
}

/** A directory entry whose name this operating system cannot hold safely (`reason` says why). */
export class UnsafeNameError extends Error {
  static readonly code = 'ERR_UNSAFE_NAME'
  readonly code = UnsafeNameError.code
  override name = 'UnsafeNameError'
  constructor (readonly entry: string, readonly reason = 'it cannot be one name here') {
    super(`refusing to write an entry named ${JSON.stringify(entry)} on this system: the name ${reason}`)
  }
}
