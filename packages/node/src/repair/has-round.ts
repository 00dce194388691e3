// One HAS round for a batch of chunks: each peer is asked once for every chunk of the
// batch it is a candidate for (HAS takes many CIDs), each request under a deadline. A
// peer that does not answer is not live for any of them.
import type { PeerId } from '@libp2p/interface'
import { MAX_HAS_CIDS } from '@shoal/protocol'
import type { Clock } from '@shoal/runtime'
import type { CID } from 'multiformats/cid'
import { withDeadline } from '../deadline.js'
import type { RepairChunks } from './types.js'

export interface HasQuestion { cid: CID, peers: readonly PeerId[] }

/** Per chunk (by CID string): each peer that answered, and whether it holds it. */
export type HasAnswers = Map<string, Map<string, boolean>>

export async function hasRound (chunks: Pick<RepairChunks, 'has'>, clock: Clock, timeoutMs: number, questions: readonly HasQuestion[], signal?: AbortSignal): Promise<HasAnswers> {
  const perPeer = new Map<string, { peer: PeerId, cids: Map<string, CID> }>()
  const answers: HasAnswers = new Map()
  for (const { cid, peers } of questions) {
    answers.set(cid.toString(), new Map())
    for (const peer of peers) {
      const id = peer.toString()
      let asked = perPeer.get(id)
      if (asked === undefined) {
        asked = { peer, cids: new Map() }
        perPeer.set(id, asked)
      }
      asked.cids.set(cid.toString(), cid)
    }
  }
  await Promise.all([...perPeer.values()].map(async ({ peer, cids }) => {
    const list = [...cids.values()]
    for (let at = 0; at < list.length; at += MAX_HAS_CIDS) {
      const part = list.slice(at, at + MAX_HAS_CIDS)
      let held: boolean[]
      try {
        held = await withDeadline(clock, timeoutMs, [signal], async s => await chunks.has(peer, part, { signal: s }))
      } catch {
        if (signal?.aborted === true) return
        return // not live: no answer recorded
      }
      part.forEach((cid, i) => answers.get(cid.toString())?.set(peer.toString(), held[i]))
    }
  }))
  return answers
}
