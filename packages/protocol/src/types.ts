import type { CID } from 'multiformats/cid'
import type { WireErrorCode } from './errors.js'

/** Store these ciphertext bytes under their CID. Answered by OK or ERR. */
export interface PutRequest { type: 'put', id: number, cid: CID, bytes: Uint8Array }
/** Send the chunk. Answered by DATA or ERR (NOT_FOUND). */
export interface GetRequest { type: 'get', id: number, cid: CID }
/** Which of these chunks do you hold? Answered by HAVE (bit i for cids[i]) or ERR. */
export interface HasRequest { type: 'has', id: number, cids: CID[] }
/** Prove you hold the chunk. Answered by PROOF (sha256(nonce ‖ chunk)) or ERR. */
export interface AuditRequest { type: 'audit', id: number, cid: CID, nonce: Uint8Array }
export type Request = PutRequest | GetRequest | HasRequest | AuditRequest

/** A PUT succeeded; `stored: false` when the chunk was already held. */
export interface OkResponse { type: 'ok', id: number, stored?: boolean }
export interface DataResponse { type: 'data', id: number, bytes: Uint8Array }
/** Bit i (LSB-first within each byte: byte i >> 3, bit i & 7) is set when cids[i] is held. */
export interface HaveResponse { type: 'have', id: number, bitmap: Uint8Array }
export interface ProofResponse { type: 'proof', id: number, digest: Uint8Array }
export interface ErrResponse { type: 'err', id: number, code: WireErrorCode, message: string }
export type Response = OkResponse | DataResponse | HaveResponse | ProofResponse | ErrResponse
