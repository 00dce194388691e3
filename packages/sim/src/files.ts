// Simulated files: each chunk is a few random bytes sealed by the client's real sealer
// (so a chunk has a real CID, key and AEAD tag), stored by the real placement (a network
// sink: replicas, or stripes with real parity) and read back by the real swarming
// download. Only their size is scaled down: a 1 MiB chunk may be 1 KiB of real bytes,
// which the network model counts as 1 MiB (links.ts).
import { readContent, sealChunk } from '@shoal/client'
import { encodeParity } from '@shoal/erasure'
import { chunkCid, ERASURE_MANIFEST_VERSION, MANIFEST_VERSION, type ChunkRef, type FileManifest, type Redundancy, type Stripe } from '@shoal/manifest'
import { createNetworkSink, createNetworkSource, type MemoryNode } from '@shoal/node/memory'
import { sha256 } from '@shoal/crypto'
import type { Clock, Random } from '@shoal/runtime'
import type { CID } from 'multiformats/cid'

export interface SimFile {
  manifest: FileManifest
  /** what must survive: per replicated chunk its CID (one holder keeps it), per stripe its k + m pieces (any k) */
  units: Array<{ cids: CID[], needed: number }>
}

export interface FileShape {
  chunksPerFile: number
  /** real bytes per chunk's plaintext */
  chunkBytes: number
  redundancy: Redundancy
}

/** Seals `shape.chunksPerFile` random chunks and places them from `client`; resolves with the file. */
export async function uploadFile (client: MemoryNode, shape: FileShape, env: { clock: Clock, random: Random, secret: Uint8Array }): Promise<SimFile> {
  const { redundancy } = shape
  const sink = createNetworkSink(client, {
    replicas: redundancy.scheme === 'replicate' ? redundancy.replicas : 3,
    clock: env.clock,
    random: env.random
  })
  const sealed = Array.from({ length: shape.chunksPerFile }, () => {
    const chunk = sealChunk(env.random.bytes(shape.chunkBytes), env.secret, { compress: false })
    const ref: ChunkRef = { cid: chunkCid(chunk.digest), key: chunk.key, size: chunk.size, stored: chunk.sealed.byteLength, compression: chunk.compression }
    return { ref, bytes: chunk.sealed }
  })
  const units: SimFile['units'] = []
  const stripes: Stripe[] = []
  if (redundancy.scheme === 'replicate') {
    await Promise.all(sealed.map(async ({ ref, bytes }) => { await sink.put(ref.cid, bytes) }))
    for (const { ref } of sealed) units.push({ cids: [ref.cid], needed: 1 })
  } else {
    const { k, m } = redundancy
    for (let first = 0; first < sealed.length; first += k) {
      const data = sealed.slice(first, first + k)
      const parity = encodeParity(data.map(d => d.bytes), m)
      const pieces = [...data.map(d => ({ cid: d.ref.cid, bytes: d.bytes })), ...parity.map(bytes => ({ cid: chunkCid(sha256(bytes)), bytes }))]
      await sink.putStripe(pieces, { k: data.length, m })
      stripes.push({ parity: pieces.slice(data.length).map(p => p.cid), size: parity[0].byteLength })
      units.push({ cids: pieces.map(p => p.cid), needed: data.length })
    }
  }
  const refs = sealed.map(s => s.ref)
  const manifest: FileManifest = {
    version: redundancy.scheme === 'replicate' ? MANIFEST_VERSION : ERASURE_MANIFEST_VERSION,
    type: 'file',
    size: refs.reduce((n, r) => n + r.size, 0),
    chunks: refs,
    redundancy,
    ...(redundancy.scheme === 'erasure' ? { stripes } : {})
  }
  return { manifest, units }
}

/** Downloads the file from `reader` through the swarm: true when every chunk came back verified. */
export async function readFile (reader: MemoryNode, file: SimFile, env: { clock: Clock, random: Random }): Promise<boolean> {
  const source = createNetworkSource(reader, { clock: env.clock, random: env.random })
  let bytes = 0
  try {
    for await (const plaintext of readContent(file.manifest.chunks, source, { clock: env.clock, file: { manifest: file.manifest } })) bytes += plaintext.byteLength
    return bytes === file.manifest.size
  } catch {
    return false
  }
}
