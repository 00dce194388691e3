// The structures version 2 adds (redundancy target, leases, chain links, receipts):
// read strictly from a message's nested maps, and written in the shape they are read in.
// Their keys are short so that they sort before `bytes` in deterministic CBOR: a PUT's
// chunk stays the last field and is sent without a copy (messages.ts, framePieces).
import { CID } from 'multiformats/cid'
import type { FieldReader } from './fields.js'
import {
  MAX_ADDRESS_BYTES, MAX_CHAIN_LINKS, MAX_CHUNK_BYTES, MAX_LEASES, MAX_LINK_ADDRESSES, MAX_PEER_ID_BYTES, MAX_STRIPE_PIECES,
  MAX_TARGET_REPLICAS, SIGNATURE_BYTES
} from './limits.js'
import type { ChainLink, Lease, Receipt, RedundancyTarget } from './types.js'

/** Expiries and times are ms since 1970, whole and within the safe integer range. */
const MAX_TIME = Number.MAX_SAFE_INTEGER

export function readTarget (r: FieldReader, cid: CID): RedundancyTarget {
  const scheme = r.text('s', 16)
  if (scheme === 'replicate') {
    const replicas = r.uint('r', MAX_TARGET_REPLICAS)
    if (replicas < 1) r.fail('target.r must be at least 1')
    return { scheme, replicas }
  }
  if (scheme === 'erasure') {
    const k = r.uint('k', MAX_STRIPE_PIECES)
    const m = r.uint('m', MAX_STRIPE_PIECES)
    if (k < 1 || m < 1 || k + m > MAX_STRIPE_PIECES) r.fail(`target: k and m must be at least 1 and k + m at most ${MAX_STRIPE_PIECES}`)
    const index = r.uint('i', k + m - 1)
    const pieces = r.cids('p', MAX_STRIPE_PIECES)
    if (pieces.length !== k + m) r.fail(`target.p lists ${pieces.length} pieces, k + m is ${k + m}`)
    if (!pieces[index].equals(cid)) r.fail('target.p[i] is not the chunk this message is about')
    const sizes = r.uints('z', MAX_STRIPE_PIECES, MAX_CHUNK_BYTES)
    if (sizes.length !== k + m) r.fail(`target.z lists ${sizes.length} sizes, k + m is ${k + m}`)
    return { scheme, k, m, index, pieces, sizes }
  }
  return r.fail('target.s must be "replicate" or "erasure"')
}

export function readLease (r: FieldReader): Lease {
  return { owner: r.bytes('o', 1, MAX_PEER_ID_BYTES), expires: r.uint('x', MAX_TIME), signature: r.bytes('g', SIGNATURE_BYTES, SIGNATURE_BYTES) }
}

export function readLeases (r: FieldReader, name: string): Lease[] {
  const leases = r.records(name, MAX_LEASES).map(readLease)
  if (leases.length === 0) r.fail(`${name} must hold at least one lease`)
  return leases
}

export function readChain (r: FieldReader, name: string): ChainLink[] {
  return r.records(name, MAX_CHAIN_LINKS).map(link => ({
    peer: link.bytes('p', 1, MAX_PEER_ID_BYTES),
    addresses: link.byteStrings('a', MAX_LINK_ADDRESSES, MAX_ADDRESS_BYTES)
  }))
}

export function readReceipts (r: FieldReader, name: string): Receipt[] {
  return r.records(name, MAX_CHAIN_LINKS + 1).map(receipt => ({ peer: receipt.bytes('p', 1, MAX_PEER_ID_BYTES), signature: receipt.bytes('g', SIGNATURE_BYTES, SIGNATURE_BYTES) }))
}

export function targetRecord (target: RedundancyTarget): Record<string, unknown> {
  return target.scheme === 'replicate'
    ? { s: target.scheme, r: target.replicas }
    : { s: target.scheme, k: target.k, m: target.m, i: target.index, p: target.pieces.map(piece => CID.asCID(piece)?.bytes ?? piece), z: target.sizes }
}

export function leaseRecord (lease: Lease): Record<string, unknown> {
  return { o: lease.owner, x: lease.expires, g: lease.signature }
}

export function chainRecord (link: ChainLink): Record<string, unknown> {
  return { p: link.peer, a: link.addresses }
}

export function receiptRecord (receipt: Receipt): Record<string, unknown> {
  return { p: receipt.peer, g: receipt.signature }
}
