import type { CID } from 'multiformats/cid'
import type { WireErrorCode } from './errors.js'

/**
 * What a vault keeps a chunk for: a whole copy among `replicas`, or piece `index` of an
 * erasure-coded stripe whose k + m pieces are `pieces`, of `sizes` bytes each (so a lost
 * piece can be rebuilt from any k of the others, and cut to its length). Nothing in it
 * says what the chunk holds.
 */
export type RedundancyTarget = ReplicateTarget | ErasureTarget
export interface ReplicateTarget { scheme: 'replicate', replicas: number }
export interface ErasureTarget { scheme: 'erasure', k: number, m: number, index: number, pieces: CID[], sizes: number[] }

/**
 * The uploader's word that the chunk is wanted until `expires` (ms since 1970), signed with
 * its peer key over the CID, the target and the expiry (signing.ts), so that nobody else
 * can renew or drop it. `owner` is the uploader's peer ID (its multihash bytes).
 */
export interface Lease { owner: Uint8Array, expires: number, signature: Uint8Array }

/** A further holder in an upload chain: its peer ID and where to dial it. */
export interface ChainLink { peer: Uint8Array, addresses: Uint8Array[] }

/** A holder's signed word that it stored a chunk for an uploader (signing.ts). */
export interface Receipt { peer: Uint8Array, signature: Uint8Array }

/**
 * Store these ciphertext bytes under their CID. Answered by OK or ERR. Version 2 adds
 * what the vault keeps it for (`target`) and until when (`leases`, at least one), and
 * reserves `chain` (further holders to forward to) for chain replication.
 */
export interface PutRequest { type: 'put', id: number, cid: CID, bytes: Uint8Array, target?: RedundancyTarget, leases?: Lease[], chain?: ChainLink[] }
/** Version 2: a new expiry for the owner's lease on a chunk. Answered by OK (stored: false when not held) or ERR. */
export interface RenewRequest { type: 'renew', id: number, cid: CID, lease: Lease }
/** Version 2: the owner gives up its lease on a chunk (`at`: when it said so, ms since 1970), signed. */
export interface DropRequest { type: 'drop', id: number, cid: CID, owner: Uint8Array, at: number, signature: Uint8Array }
/** Send the chunk. Answered by DATA or ERR (NOT_FOUND). */
export interface GetRequest { type: 'get', id: number, cid: CID }
/** Which of these chunks do you hold? Answered by HAVE (bit i for cids[i]) or ERR. */
export interface HasRequest { type: 'has', id: number, cids: CID[] }
/** Prove you hold the chunk. Answered by PROOF (sha256(nonce ‖ chunk)) or ERR. */
export interface AuditRequest { type: 'audit', id: number, cid: CID, nonce: Uint8Array }
export type Request = PutRequest | GetRequest | HasRequest | AuditRequest | RenewRequest | DropRequest

/** A PUT succeeded; `stored: false` when the chunk was already held. Version 2 may add holders' receipts. */
export interface OkResponse { type: 'ok', id: number, stored?: boolean, receipts?: Receipt[] }
export interface DataResponse { type: 'data', id: number, bytes: Uint8Array }
/** Bit i (LSB-first within each byte: byte i >> 3, bit i & 7) is set when cids[i] is held. */
export interface HaveResponse { type: 'have', id: number, bitmap: Uint8Array }
export interface ProofResponse { type: 'proof', id: number, digest: Uint8Array }
export interface ErrResponse { type: 'err', id: number, code: WireErrorCode, message: string }
export type Response = OkResponse | DataResponse | HaveResponse | ProofResponse | ErrResponse
