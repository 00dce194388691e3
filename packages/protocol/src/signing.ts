// The exact bytes a lease, a drop and a receipt are signed over: deterministic CBOR of an
// array that starts with what the signature is for, so a signature made for one purpose
// (or one chunk, target or time) never verifies for another. Keys and the signing itself
// are the node's (Ed25519 peer keys); this package only fixes the bytes.
import { createHash } from 'node:crypto'
import { encodeCbor } from '@shoal/manifest'
import type { CID } from 'multiformats/cid'
import type { RedundancyTarget } from './types.js'
import { targetRecord } from './v2-fields.js'

/**
 * What an uploader signs to keep `cid` (held for `target`) until `expires`. A piece of an
 * erasure-coded stripe is signed for the whole stripe (its pieces, sizes, k and m, not
 * the piece's index or CID): one signature keeps every piece, so a vault that rebuilds a
 * lost piece can hand it on under the lease of the piece it holds, which it could not
 * sign itself. The piece is still bound: a vault accepts it only as `pieces[index]`.
 */
export function leaseSigningBytes (cid: CID, target: RedundancyTarget, expires: number): Uint8Array {
  if (target.scheme === 'erasure') {
    const { i: _index, ...stripe } = targetRecord(target)
    return encodeCbor(['shoal/stripe-lease/v1', stripe, expires])
  }
  return encodeCbor(['shoal/lease/v1', cid.bytes, targetRecord(target), expires])
}

/** What an owner signs to give up its lease on `cid`, at time `at`. */
export function dropSigningBytes (cid: CID, at: number): Uint8Array {
  return encodeCbor(['shoal/drop/v1', cid.bytes, at])
}

/** What a holder signs to say it stored `cid` for `uploader` (a peer ID's bytes). */
export function receiptSigningBytes (cid: CID, uploader: Uint8Array): Uint8Array {
  return encodeCbor(['shoal/receipt/v1', cid.bytes, uploader])
}

/**
 * Where a stripe lives in the DHT keyspace: its pieces go to the k + m peers closest to
 * this key, one piece per peer. sha256 over the pieces' CID bytes in order, so every
 * holder of any piece (which knows the list from its target) computes the same key.
 */
export function stripeKey (pieces: readonly CID[]): Uint8Array {
  const hash = createHash('sha256')
  for (const piece of pieces) hash.update(piece.bytes)
  return hash.digest()
}
