// Shared fixtures: real nodes on real TCP over 127.0.0.x, real stores in temp dirs.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import type { Stream } from '@libp2p/interface'
import { PROTOCOL_ID, decodeFrames, decodeResponse, type Response } from '@shoal/protocol'
import { sendBytes } from '../src/stream-io.js'
import { createNode, type NodeInit, type ShoalNode } from '../src/index.js'

export const KiB = 1024
export const MiB = 1024 * KiB

export interface Chunk { cid: CID, bytes: Uint8Array }

export function cidOf (bytes: Uint8Array): CID {
  return CID.createV1(0x55, Digest.create(0x12, createHash('sha256').update(bytes).digest()))
}

export function randomChunk (size: number): Chunk {
  const bytes = new Uint8Array(randomBytes(size))
  return { cid: cidOf(bytes), bytes }
}

export async function makeTempDir (): Promise<string> {
  return await mkdtemp(join(tmpdir(), 'shoal-node-test-'))
}

export async function removeDir (dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 })
}

// Each test file runs in its own process, but addresses must still not collide between
// files running at once; a per-process offset keeps them apart most of the time, and
// port 0 makes collisions harmless anyway.
let nextHost = 2 + (process.pid % 50) * 4

export function nextLoopback (): string {
  const host = nextHost
  nextHost = nextHost >= 250 ? 2 : nextHost + 1
  return `127.0.0.${host}`
}

export interface Testnet {
  nodes: ShoalNode[]
  dirs: string[]
  /** stops every node and removes every data dir; safe to call twice */
  stop: () => Promise<void>
}

export interface TestnetOptions {
  /** per-node init overrides, by index */
  init?: (index: number) => Partial<NodeInit>
  /** later nodes bootstrap from node 0 (default true) */
  bootstrap?: boolean
}

/** Starts n vault nodes, each on its own 127.0.0.x; node i > 0 bootstraps from node 0. */
export async function startNodes (n: number, options: TestnetOptions = {}): Promise<Testnet> {
  const nodes: ShoalNode[] = []
  const dirs: string[] = []
  const stop = async (): Promise<void> => {
    await Promise.allSettled(nodes.map(async node => { await node.stop() }))
    await Promise.allSettled(dirs.map(removeDir))
    nodes.length = 0
    dirs.length = 0
  }
  try {
    for (let i = 0; i < n; i++) {
      const dataDir = await makeTempDir()
      dirs.push(dataDir)
      const bootstrap = i > 0 && options.bootstrap !== false ? nodes[0].multiaddrs.map(String) : undefined
      const node = createNode({ dataDir, listen: [`/ip4/${nextLoopback()}/tcp/0`], space: 64 * MiB, bootstrap, ...options.init?.(i) })
      nodes.push(node)
      await node.start()
    }
  } catch (err) {
    await stop()
    throw err
  }
  return { nodes, dirs, stop }
}

/** A raw chunk-protocol stream from one node to another, for sending bytes by hand. */
export async function openChunkStream (from: ShoalNode, to: ShoalNode): Promise<Stream> {
  return await from.libp2p.dialProtocol(to.peerId, PROTOCOL_ID, { signal: AbortSignal.timeout(5_000) })
}

/** Everything the stream delivers until it ends (cleanly or by reset), and how it ended. */
export async function readAll (stream: Stream, timeoutMs = 10_000): Promise<{ bytes: Uint8Array, error?: Error }> {
  const pieces: Uint8Array[] = []
  const timer = setTimeout(() => { stream.abort(new Error('readAll timed out')) }, timeoutMs)
  try {
    for await (const chunk of stream) pieces.push(chunk instanceof Uint8Array ? chunk : chunk.subarray())
    return { bytes: concat(pieces) }
  } catch (err) {
    return { bytes: concat(pieces), error: err as Error }
  } finally {
    clearTimeout(timer)
  }
}

export function concat (pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of pieces) { out.set(p, offset); offset += p.length }
  return out
}

/** Responses framed in bytes read off a stream (stops at the first unreadable frame). */
export async function parseResponses (bytes: Uint8Array): Promise<Response[]> {
  const out: Response[] = []
  try {
    for await (const body of decodeFrames((async function * () { yield bytes })())) out.push(decodeResponse(body))
  } catch {}
  return out
}

/** Sends frames one after another, each once the previous one has left the write buffer. */
export async function sendAll (stream: Stream, frames: Uint8Array[]): Promise<void> {
  for (const frame of frames) await sendBytes(stream, frame, { signal: AbortSignal.timeout(30_000) })
}

/** Waits until every node's DHT lookup finds every node (itself included), or throws. */
export async function waitForMesh (net: Testnet, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const key = createHash('sha256').update('mesh').digest()
  const want = net.nodes.length
  while (true) {
    const counts = await Promise.all(net.nodes.map(async node =>
      (await node.closestPeers(key, want, { signal: AbortSignal.timeout(5_000) }).catch(() => [])).length))
    if (counts.every(n => n === want)) return
    if (Date.now() > deadline) throw new Error(`DHT did not mesh: lookups found ${counts.join(', ')} of ${want}`)
    await delay(250)
  }
}

/** Where a node's vault keeps a chunk's blob on disk. */
export function blobPath (dataDir: string, cid: CID): string {
  const hex = Buffer.from(cid.multihash.digest).toString('hex')
  return join(dataDir, 'vault', 'blobs', hex.slice(0, 2), hex.slice(2, 4), cid.toString())
}
