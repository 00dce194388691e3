// Leases and drops: signed with the owner's Ed25519 peer key, verified by any vault from
// the owner's peer ID alone (an Ed25519 peer ID embeds its public key). Verifying is on
// the path of every version 2 PUT, so the owner's key object is built once and kept.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { dropSigningBytes, leaseSigningBytes, type Lease, type RedundancyTarget } from '@shoal/protocol'
import { systemClock, type Clock } from '@shoal/runtime'
import { LRUCache } from 'lru-cache'
import type { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { UnauthorizedError } from './errors.js'

/** How long an upload's lease lasts unless renewed: 90 days. */
export const DEFAULT_LEASE_MS = 90 * 24 * 60 * 60 * 1000
/**
 * How far a DROP's `at` may be from the vault's clock, either way. A DROP replayed within it
 * ends only leases granted by its `at` (lease-rules.ts), never one given after it.
 */
export const DROP_WINDOW_MS = 10 * 60 * 1000

/**
 * Lease expiries and drop times are wall time (ms since 1970), which the real Clock's
 * monotonic now() is not; an injected clock (a virtual one in tests) stands for both.
 */
export function wallTime (clock: Clock): () => number {
  return clock === systemClock ? Date.now : () => clock.now()
}

/** An owner's signed wish to give up its lease on a chunk (the fields of a DROP request). */
export interface Drop { owner: Uint8Array, at: number, signature: Uint8Array }

/** Signs leases and drops with one peer key; the key object is made once. */
export interface LeaseSigner {
  /** the owner: the peer ID's multihash bytes */
  readonly owner: Uint8Array
  lease: (cid: CID, target: RedundancyTarget, expires: number) => Lease
  drop: (cid: CID, at: number) => Drop
}

export function createLeaseSigner (privateKey: PrivateKey): LeaseSigner {
  if (privateKey.type !== 'Ed25519') throw new TypeError(`leases are signed with Ed25519 peer keys, not ${privateKey.type}`)
  const key = ed25519PrivateKey(privateKey.raw.subarray(0, 32))
  const owner = privateKey.publicKey.toMultihash().bytes
  const signBytes = (bytes: Uint8Array): Uint8Array => new Uint8Array(sign(null, bytes, key))
  // times travel as whole ms; a clock may have fractions
  return {
    owner,
    lease: (cid, target, expires) => {
      const x = Math.floor(expires)
      return { owner, expires: x, signature: signBytes(leaseSigningBytes(cid, target, x)) }
    },
    drop: (cid, at) => {
      const t = Math.floor(at)
      return { owner, at: t, signature: signBytes(dropSigningBytes(cid, t)) }
    }
  }
}

export function signLease (privateKey: PrivateKey, cid: CID, target: RedundancyTarget, expires: number): Lease {
  return createLeaseSigner(privateKey).lease(cid, target, expires)
}

export function signDrop (privateKey: PrivateKey, cid: CID, at: number): Drop {
  return createLeaseSigner(privateKey).drop(cid, at)
}

/**
 * Checks that `lease` was signed by its owner for this chunk and target.
 * @throws UnauthorizedError saying why not (its expiry is checked by the caller, against its clock)
 */
export function verifyLease (cid: CID, lease: Lease, target: RedundancyTarget): void {
  if (!checkSignature(lease.owner, leaseSigningBytes(cid, target, lease.expires), lease.signature)) {
    throw new UnauthorizedError('lease signature does not verify for its owner and this chunk and target')
  }
}

/** Checks that `drop` was signed by its owner for this chunk and time (the window is the caller's). @throws UnauthorizedError */
export function verifyDrop (cid: CID, drop: Drop): void {
  if (!checkSignature(drop.owner, dropSigningBytes(cid, drop.at), drop.signature)) {
    throw new UnauthorizedError('drop signature does not verify for its owner and this chunk')
  }
}

function checkSignature (owner: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.byteLength !== 64) return false
  const id = `${base64(owner)} ${base64(message)} ${base64(signature)}`
  if (verified.has(id)) return true
  const ok = verify(null, message, ownerKey(owner), signature)
  if (ok) verified.set(id, true)
  return ok
}

// A verify costs ~130 µs of CPU (OpenSSL 3); one lease reaches a vault again and again (a
// repair PUT, a hand-off, each repairer holding the chunk), so the last signatures that
// verified are kept with the exact owner and message they verified for.
const verified = new LRUCache<string, true>({ max: 16_384 })

function base64 (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

// Ed25519 peer IDs are identity multihashes of the key; a key object takes ~20 µs to
// build, about half a verify, so the last few thousand owners' are kept.
const ownerKeys = new LRUCache<string, KeyObject>({ max: 4096 })

function ownerKey (owner: Uint8Array): KeyObject {
  const id = base64(owner)
  let key = ownerKeys.get(id)
  if (key === undefined) {
    key = ed25519PublicKey(ownerPublicKey(owner))
    ownerKeys.set(id, key)
  }
  return key
}

function ownerPublicKey (owner: Uint8Array): Uint8Array {
  let publicKey
  try {
    publicKey = peerIdFromMultihash(Digest.decode(owner)).publicKey
  } catch {
    throw new UnauthorizedError('lease owner is not a peer ID')
  }
  if (publicKey?.type !== 'Ed25519') throw new UnauthorizedError('lease owner is not an Ed25519 peer ID, its signature cannot be checked')
  return publicKey.raw
}

// DER prefixes of an Ed25519 key (RFC 8410): node:crypto builds key objects from these
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

function ed25519PublicKey (raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' })
}

function ed25519PrivateKey (seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
}
