import { createHmac } from 'node:crypto'
import { IntegrityError, sha256 } from '@shoal/crypto'
import {
  chunkCid, decodeManifest, encodeManifest, MAX_INDIRECT_DEPTH, MAX_INLINE_MANIFEST_BYTES, openManifest, sealManifest,
  type Capability, type Manifest
} from '@shoal/manifest'
import { writeContent } from './content.js'
import { readContent, type FetchOptions } from './fetch.js'
import { fetchSealed } from './swarm.js'
import type { ReplicateTarget } from '@shoal/protocol'
import type { Sealer } from './seal-pool.js'
import type { AbortOptions, ChunkSink, ChunkSource } from './types.js'

export interface StoredManifest {
  capability: Capability
  /** blocks the manifest took: the sealed manifest, and the chunks of one stored as content (indirect) */
  blocks: number
  newChunks: number
  storedBytes: number
}

/**
 * Stores a manifest and returns the capability for it. A manifest too large for one
 * block is stored as content and replaced by an indirect manifest, until it fits.
 *
 * The manifest key and nonce are derived from the convergence secret and the encoded
 * manifest (a synthetic IV, as in AES-SIV), so re-putting identical content yields
 * the same capability and stores nothing new, as Tahoe-LAFS immutable caps do.
 */
export async function storeManifest (manifest: Manifest, options: AbortOptions & { sink: ChunkSink, sealer: Sealer, convergenceSecret: Uint8Array, target?: ReplicateTarget }): Promise<StoredManifest> {
  const target = options.target !== undefined ? { target: options.target } : {}
  let newChunks = 0
  let storedBytes = 0
  let blocks = 1 // the sealed manifest itself
  let current = manifest
  let encoded = encodeManifest(current)
  while (encoded.byteLength > MAX_INLINE_MANIFEST_BYTES) {
    // Default chunking, whatever the file used: manifest content is ordinary bytes.
    const content = await writeContent(once(encoded), { sink: options.sink, sealer: options.sealer, signal: options.signal, ...target })
    newChunks += content.newChunks
    storedBytes += content.storedBytes
    blocks += content.chunks.length
    current = { version: 1, type: 'indirect', size: content.size, chunks: content.chunks }
    encoded = encodeManifest(current)
  }
  const derived = createHmac('sha256', options.convergenceSecret).update('shoal/manifest/v1').update(sha256(encoded)).digest()
  const key = new Uint8Array(derived)
  const nonce = new Uint8Array(createHmac('sha256', key).update('shoal/manifest-nonce/v1').update(encoded).digest().subarray(0, 24))
  const { sealed } = sealManifest(current, key, { nonce })
  const cid = chunkCid(sha256(sealed))
  if (await options.sink.put(cid, sealed, { signal: options.signal, ...target })) {
    newChunks++
    storedBytes += sealed.byteLength
  }
  return { capability: { cid, key }, blocks, newChunks, storedBytes }
}

/** Fetches, verifies and decrypts the manifest a capability names, following indirection. */
export async function loadManifest (capability: Capability, source: ChunkSource, options: FetchOptions = {}): Promise<Manifest> {
  // asked of its holders like any chunk of a download: the same blame and last resort
  const sealed = await fetchSealed(capability.cid, source, options)
  let manifest = openManifest(sealed, capability.key)
  for (let depth = 0; manifest.type === 'indirect'; depth++) {
    if (depth >= MAX_INDIRECT_DEPTH) throw new IntegrityError(`manifest ${capability.cid.toString()}: more than ${MAX_INDIRECT_DEPTH} levels of indirection`)
    const parts: Uint8Array[] = []
    for await (const part of readContent(manifest.chunks, source, options)) parts.push(part)
    manifest = decodeManifest(Buffer.concat(parts))
  }
  return manifest
}

async function * once (bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}
