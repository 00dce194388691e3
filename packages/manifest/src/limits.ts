// Format limits. Every reader enforces them, so they bound the work a hostile manifest
// can cause; every writer must stay inside them.

const MiB = 1024 * 1024

/**
 * Encoded size above which a manifest is not sealed inline but stored indirectly. Far
 * below the 4 MiB chunk maximum (the sealed form adds 40 bytes), and large enough
 * that files up to ~8 GiB (~8 700 chunk refs of ~120 bytes) and directories of
 * ~8 000 entries need no indirection.
 */
export const MAX_INLINE_MANIFEST_BYTES = 1 * MiB

/**
 * Largest manifest encoding decodeManifest accepts, i.e. the largest content an
 * indirect manifest may describe. An indirect manifest for this much content holds at
 * most ~1 000 chunk refs (chunks are ≥ 256 KiB), far below the inline limit, so one
 * level of indirection always suffices.
 */
export const MAX_MANIFEST_BYTES = 256 * MiB

/** Levels of indirect manifests a reader follows before giving up. Writers need one. */
export const MAX_INDIRECT_DEPTH = 2

/**
 * Chunk refs in one file or indirect manifest: ~1 TiB at the 1 MiB average chunk,
 * ~120x what fits inline. Beyond this the decoded manifest alone would strain a client.
 */
export const MAX_CHUNKS_PER_MANIFEST = 1 << 20

/** Entries in one directory. */
export const MAX_ENTRIES_PER_DIRECTORY = 1 << 20

/** Longest entry or file name, in UTF-8 bytes (as most file systems allow). */
export const MAX_NAME_BYTES = 255

/** Longest symlink target, in UTF-8 bytes: Linux's PATH_MAX (4096) less its NUL. */
export const MAX_LINK_TARGET_BYTES = 4095

/** A chunk ref's size and stored size: 4x the 4 MiB chunk maximum, so no ref asks a client for an absurd buffer. */
export const MAX_CHUNK_REF_BYTES = 16 * MiB

/** Replicas a file may ask for. */
export const MAX_REPLICAS = 64

/** Reed-Solomon over GF(2^8): at most 256 shards per stripe. */
export const MAX_ERASURE_SHARDS = 256

/** CBOR nesting: real manifests nest 4 deep; this leaves room for tolerated unknown fields. */
export const MAX_CBOR_DEPTH = 16
