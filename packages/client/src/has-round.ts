// The one HAS round both `checkFile` and the upkeep walk make: each peer is asked once
// about every CID it may hold, and which (peer, CID) pairs it holds is remembered.
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from './types.js'

export type AskHas = (peer: string, cids: CID[], options: AbortOptions) => Promise<boolean[]>

export interface HasAnswers {
  holds: (peer: string, cid: CID) => boolean
  /** peers whose HAS failed, sorted */
  unreachable: string[]
}

/** Asks each peer one HAS for the CIDs paired with it (a CID asked twice of one peer is asked once), `limit` at a time if given. */
export async function askEachPeer (questions: Iterable<{ peer: string, cid: CID }>, has: AskHas, options: AbortOptions, limit: <T>(fn: () => Promise<T>) => Promise<T> = async fn => await fn()): Promise<HasAnswers> {
  const perPeer = new Map<string, Map<string, CID>>()
  for (const { peer, cid } of questions) {
    const cids = perPeer.get(peer) ?? new Map<string, CID>()
    cids.set(cid.toString(), cid)
    perPeer.set(peer, cids)
  }
  const held = new Set<string>()
  const unreachable: string[] = []
  await Promise.all([...perPeer].map(async ([peer, cids]) => await limit(async () => {
    const list = [...cids.values()]
    try {
      const answers = await has(peer, list, options)
      list.forEach((cid, i) => { if (answers[i]) held.add(`${peer} ${cid.toString()}`) })
    } catch {
      options.signal?.throwIfAborted()
      unreachable.push(peer)
    }
  })))
  return { holds: (peer, cid) => held.has(`${peer} ${cid.toString()}`), unreachable: unreachable.sort() }
}
