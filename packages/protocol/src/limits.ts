// Wire limits. Every reader enforces them, so they bound the memory and work a hostile
// peer can cause; every writer stays inside them.
import { TAG_BYTES } from '@shoal/crypto'
import { MAX_REPLICAS } from '@shoal/manifest'

export const PROTOCOL_ID = '/shoal/chunk/1.0.0'
/** Version 2: PUTs carry a redundancy target and signed leases; RENEW and DROP. See docs/protocol.md. */
export const PROTOCOL_ID_V2 = '/shoal/chunk/2.0.0'

/** The message schema version of /shoal/chunk/1.0.0, which every message carries as `v`. */
export const PROTOCOL_VERSION = 1
export const PROTOCOL_VERSION_2 = 2
export type ProtocolVersion = typeof PROTOCOL_VERSION | typeof PROTOCOL_VERSION_2

/** Leases on one PUT (one per uploader that wants the chunk). */
export const MAX_LEASES = 16
/** Pieces of one erasure-coded stripe (k + m), as a manifest allows. */
export const MAX_STRIPE_PIECES = 256
/** Replicas a target may ask for: what a manifest can record, so every put can say it. */
export const MAX_TARGET_REPLICAS = MAX_REPLICAS
/** An Ed25519 signature. */
export const SIGNATURE_BYTES = 64
/** A peer ID's multihash bytes (an Ed25519 key's identity multihash is 38). */
export const MAX_PEER_ID_BYTES = 64
/** Further holders one PUT may name for chain replication, and addresses per holder. */
export const MAX_CHAIN_LINKS = 8
export const MAX_LINK_ADDRESSES = 8
/** A multiaddr's bytes. */
export const MAX_ADDRESS_BYTES = 256

/** Largest chunk the network produces: a 4 MiB chunk plus its AEAD tag (as the store's MAX_CHUNK_SIZE). */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024 + TAG_BYTES

/**
 * Largest frame body: a chunk plus room for the message around it. A version 1 PUT adds
 * ~70 bytes; a version 2 PUT at its limits (a 256-piece stripe, 16 leases, 8 chain links
 * of 8 addresses) ~30 KiB.
 */
export const MAX_FRAME_BYTES = MAX_CHUNK_BYTES + 32 * 1024

/** A length prefix is at most 5 varint bytes (35 bits): enough to state, and refuse, any u32 length. */
export const MAX_VARINT_BYTES = 5

/** CIDs in one HAS request; the HAVE bitmap is then at most 512 bytes. */
export const MAX_HAS_CIDS = 4096

/** Request ids are u32: unique among a stream's requests in flight, cheap in any language. */
export const MAX_REQUEST_ID = 0xffff_ffff

/** Bytes of an AUDIT nonce and of a PROOF digest (sha256). */
export const NONCE_BYTES = 32
export const PROOF_BYTES = 32

/** Longest ERR message, in UTF-8 bytes. */
export const MAX_ERROR_MESSAGE_BYTES = 1024

/** CBOR nesting: messages nest 2 deep; this leaves room for tolerated unknown fields. */
export const MAX_CBOR_DEPTH = 8

/** Fields in one message map, known and unknown. */
export const MAX_MESSAGE_FIELDS = 32
