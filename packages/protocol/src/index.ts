/**
 * @shoal/protocol — the /shoal/chunk/1.0.0 wire protocol: length-prefixed frames,
 * versioned CBOR request/response messages, typed errors and a per-peer rate limiter.
 * Transport-agnostic: it reads and writes bytes; the node plugs it into libp2p streams.
 * See README.md for the formats.
 */
export { encodeFrame, encodeFrames, decodeFrames, FrameDecoder } from './frame.js'
export type { FrameOptions, FrameDecoderOptions, ByteList } from './frame.js'
export { encodeRequest, decodeRequest, encodeResponse, decodeResponse, encodeRequestFrame, encodeResponseFrame } from './messages.js'
export { packBitmap, unpackBitmap } from './bitmap.js'
export type {
  Request, PutRequest, GetRequest, HasRequest, AuditRequest, RenewRequest, DropRequest,
  Response, OkResponse, DataResponse, HaveResponse, ProofResponse, ErrResponse,
  RedundancyTarget, ReplicateTarget, ErasureTarget, Lease, ChainLink, Receipt
} from './types.js'
export { leaseSigningBytes, dropSigningBytes, receiptSigningBytes, stripeKey } from './signing.js'
export {
  ProtocolError, RemoteError, toWireError, fromWireError, isKnownWireErrorCode, WIRE_ERROR_CODES
} from './errors.js'
export type { WireErrorCode, KnownWireErrorCode, WireError } from './errors.js'
export { createRateLimiter } from './rate-limiter.js'
export type { RateLimiter, RateLimiterInit } from './rate-limiter.js'
export {
  PROTOCOL_ID, PROTOCOL_VERSION, PROTOCOL_ID_V2, PROTOCOL_VERSION_2, type ProtocolVersion,
  MAX_LEASES, MAX_STRIPE_PIECES, MAX_TARGET_REPLICAS, SIGNATURE_BYTES, MAX_PEER_ID_BYTES, MAX_CHAIN_LINKS, MAX_CHUNK_BYTES, MAX_FRAME_BYTES, MAX_HAS_CIDS, MAX_REQUEST_ID,
  MAX_ERROR_MESSAGE_BYTES, MAX_VARINT_BYTES, NONCE_BYTES, PROOF_BYTES
} from './limits.js'
