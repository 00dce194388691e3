// The peers a random-key lookup answers, shared by the API's requests for a few seconds.
// Every upload or download starts with such a lookup (cachedLookup in @shoal/node: fewer
// than K peers answering means they are the whole reachable network, and each chunk's
// closest peers are then computed locally). A directory through the API is one request
// per file, so each file paid that lookup, and every vault answered it.
import { randomBytes } from 'node:crypto'
import type { PeerId } from '@libp2p/interface'
import { DHT_K, type ShoalNode } from '@shoal/node'

/** How long one answer serves: peers that join meanwhile are found by the next one. */
export const VIEW_TTL_MS = 10_000
const LOOKUP_TIMEOUT_MS = 5_000

export type NetworkView = (signal: AbortSignal) => Promise<PeerId[] | undefined>

/**
 * The latest answer while it is younger than `ttlMs`, else a new lookup that concurrent
 * callers share. A failed or empty lookup gives undefined (the caller looks up itself) and
 * is not kept.
 */
export function networkView (node: Pick<ShoalNode, 'closestPeers'>, ttlMs = VIEW_TTL_MS): NetworkView {
  let current: { at: number, peers: Promise<PeerId[] | undefined> } | undefined
  return async signal => {
    if (current === undefined || Date.now() - current.at > ttlMs) {
      const lookup = node.closestPeers(randomBytes(32), DHT_K + 1, { signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) })
        .then(peers => peers.length > 0 ? peers : undefined, () => undefined)
      const entry = { at: Date.now(), peers: lookup }
      current = entry
      void lookup.then(peers => { if (peers === undefined && current === entry) current = undefined })
    }
    return await untilAborted(current.peers, signal)
  }
}

/** The shared lookup's answer, or this caller's abort as soon as it comes. */
async function untilAborted<T> (shared: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  return await new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    shared.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort) })
  })
}
