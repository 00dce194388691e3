// Placement (DESIGN.md §2.5): each chunk goes to the `replicas` XOR-closest peers that
// accept it. Refusals (full, integrity, rate limit), dead peers and broken answers move
// on to the next-closest candidate; only running out of candidates fails the chunk.
import type { PeerId } from '@libp2p/interface'
import debug from 'debug'
import type { CID } from 'multiformats/cid'
import { anySignal, cachedLookup, KEPT_CHUNKS, setBounded, Slots, type ChunkNetworkNode } from './closest-peers.js'
import { InsufficientHoldersError } from './errors.js'
import { RemoteError } from '@shoal/protocol'

const log = debug('shoal:placement')

/**
 * Chunks up to this size are PUT without asking HAS first. 500 files of ~4 KiB (each a
 * data chunk and a manifest) put into a 5-node loopback testnet: 8.7-9.3 s with HAS
 * first, 7.2-7.7 s without (2026-11-26, interleaved runs).
 */
export const HAS_FIRST_ABOVE = 16 * 1024

/** How often a RATE_LIMITED peer is asked again before it counts as a refusal. */
const RATE_LIMIT_RETRIES = 5
const RATE_LIMIT_BACKOFF_MS = 100

async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve() }, ms)
    const onAbort = (): void => { clearTimeout(timer); reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

export type PlacementNode = ChunkNetworkNode

export interface NetworkSinkInit {
  /** holders wanted per chunk (default 3) */
  replicas?: number
  /** ends every put of this sink (the whole upload) */
  signal?: AbortSignal
  /** candidates asked of the DHT per chunk (default replicas * 3 + 2) */
  candidates?: number
  /** Like NetworkSourceInit.network: a fresh random-key lookup's answer, so the upload skips its own. */
  network?: PeerId[]
  /** PUT requests in flight at once across all chunks (default 16) */
  concurrency?: number
  /** deadline of one PUT to one peer (default 30 s) */
  requestTimeoutMs?: number
  /** deadline of one closest-peers lookup (default 30 s) */
  lookupTimeoutMs?: number
}

/** A ChunkSink (@shoal/client) that places chunks on the network. */
export interface NetworkSink {
  /**
   * Stores the chunk on `replicas` peers. True if any of them stored it now, false if
   * all already held it. `bytes` are not kept once this settles.
   * @throws InsufficientHoldersError when fewer than `replicas` peers could take it
   */
  put: (cid: CID, bytes: Uint8Array, options?: { signal?: AbortSignal }) => Promise<boolean>
  /**
   * The peers known to hold the chunk after its put, XOR-closest first; empty if it was
   * never put, or not among the last KEPT_CHUNKS (1,024) chunks put.
   */
  holders: (cid: CID) => PeerId[]
}

export function createNetworkSink (node: PlacementNode, init: NetworkSinkInit = {}): NetworkSink {
  const replicas = init.replicas ?? 3
  if (!Number.isInteger(replicas) || replicas < 1) throw new RangeError(`replicas must be a positive integer, got ${replicas}`)
  const lookup = cachedLookup(node, init.candidates ?? replicas * 3 + 2, init.network)
  const slots = new Slots(init.concurrency ?? 16)
  const requestTimeoutMs = init.requestTimeoutMs ?? 30_000
  const lookupTimeoutMs = init.lookupTimeoutMs ?? 30_000
  const held = new Map<string, PeerId[]>()
  const self = node.peerId

  async function putTo (peer: PeerId, cid: CID, bytes: Uint8Array, signal: AbortSignal): Promise<boolean> {
    if (peer.equals(self)) {
      if (node.store === null) throw new Error('this node has no vault')
      return await node.store.put(cid, bytes, { signal })
    }
    // a busy peer is still the right place: wait and ask again rather than pass it by
    for (let attempt = 1; ; attempt++) {
      try {
        return await node.chunks.put(peer, cid, bytes, { signal })
      } catch (err) {
        if (!(err instanceof RemoteError && err.wireCode === 'RATE_LIMITED') || attempt >= RATE_LIMIT_RETRIES) throw err
        await sleep(RATE_LIMIT_BACKOFF_MS * attempt, signal)
      }
    }
  }

  async function holds (peer: PeerId, cid: CID, signal: AbortSignal): Promise<boolean> {
    try {
      if (peer.equals(self)) return await node.store?.has(cid) === true
      return (await node.chunks.has(peer, [cid], { signal }))[0] === true
    } catch {
      return false // it will be asked to store it, and refusals are handled there
    }
  }

  return {
    async put (cid, bytes, options = {}) {
      const signal = anySignal([init.signal, options.signal])
      const candidates = await lookup(cid, { signal: anySignal([signal], lookupTimeoutMs) })
      signal.throwIfAborted()
      const accepted = new Set<string>()
      // HAS first: the closest peers may hold it already (a re-upload, or dedup with
      // another upload), and then its bytes need not cross the network at all. Not for a
      // small chunk (a small file, a manifest): its bytes cost about what the question
      // does, and a holder answers a PUT of what it has with OK at once.
      if (bytes.byteLength > HAS_FIRST_ABOVE) {
        const closest = candidates.slice(0, replicas)
        const already = await Promise.all(closest.map(async peer => await holds(peer, cid, anySignal([signal], requestTimeoutMs))))
        closest.forEach((peer, i) => { if (already[i]) accepted.add(peer.toString()) })
      }
      const order = candidates.filter(peer => !accepted.has(peer.toString()))
      let next = 0
      let newly = false
      const causes: unknown[] = []
      // one lane per missing replica, each walks down the candidate list until one peer accepts
      const lane = async (): Promise<void> => {
        while (next < order.length) {
          const peer = order[next++]
          try {
            const stored = await slots.run(async () => await putTo(peer, cid, bytes, anySignal([signal], requestTimeoutMs)), signal)
            accepted.add(peer.toString())
            if (stored) newly = true
            return
          } catch (err) {
            if (signal.aborted) throw signal.reason
            log('%p refused %s: %s', peer, cid, (err as Error).message)
            causes.push(err)
          }
        }
      }
      const results = await Promise.allSettled(Array.from({ length: replicas - accepted.size }, lane))
      const holders = candidates.filter(peer => accepted.has(peer.toString()))
      if (holders.length > 0) setBounded(held, cid.toString(), holders, KEPT_CHUNKS)
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed !== undefined) throw failed.reason
      if (holders.length < replicas) throw new InsufficientHoldersError(cid.toString(), holders.length, replicas, causes)
      return newly
    },

    holders (cid) {
      return [...(held.get(cid.toString()) ?? [])]
    }
  }
}
