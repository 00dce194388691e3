/** ChaCha20-Poly1305 and XChaCha20-Poly1305 key size. */
export const KEY_BYTES = 32
/** Poly1305 tag size: a sealed chunk is its plaintext length plus this. */
export const TAG_BYTES = 16
/** SHA-256 output size: chunk addresses, plaintext digests, convergence secrets. */
export const DIGEST_BYTES = 32
/** IETF ChaCha20-Poly1305 nonce size (RFC 8439). */
export const NONCE_BYTES = 12
/** XChaCha20-Poly1305 nonce size (draft-irtf-cfrg-xchacha-03). */
export const XNONCE_BYTES = 24
