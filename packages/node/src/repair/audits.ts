// Proof-of-storage challenges to the other holders of chunks this vault acts for, and the
// verdicts: each result goes into the peer's ledger in the store; a peer that fails (or
// does not answer) `maxFailures` audits in a row is marked bad there, with the reason,
// and from then on is passed over as a target, so its chunks are repaired elsewhere. A
// piece of a stripe is audited by fetching it (verified against its CID): the auditor
// holds another piece, not its bytes, so it cannot check a proof over them.
import type { PeerId } from '@libp2p/interface'
import type { Clock, Random } from '@shoal/runtime'
import type { CID } from 'multiformats/cid'
import { withDeadline } from '../deadline.js'
import { PeerIntegrityError } from '../errors.js'
import type { NodeLogger } from '../logger.js'
import { auditProof } from '../request-handler.js'
import type { RepairChunks, RepairStore } from './types.js'

export const NONCE_BYTES = 32

export interface AuditorInit {
  store: Pick<RepairStore, 'updatePeer' | 'peerRecords'>
  chunks: Pick<RepairChunks, 'audit' | 'get'>
  clock: Clock
  random: Random
  /** wall time, ms since 1970, for the bad mark */
  now: () => number
  timeoutMs: number
  /** consecutive failures that make a peer bad */
  maxFailures: number
  logger: NodeLogger
}

export interface Auditor {
  /** Reads the bad marks the store keeps. */
  load: () => Promise<void>
  isBad: (peer: string) => boolean
  /** Challenges `peer` to prove it holds `bytes` (the chunk `cid`); true when it did. */
  audit: (peer: PeerId, cid: CID, bytes: Uint8Array, signal?: AbortSignal) => Promise<boolean>
  /** Fetches `cid` from `peer` as its proof of holding it; the bytes when it passed, else null. */
  retrieve: (peer: PeerId, cid: CID, signal?: AbortSignal) => Promise<Uint8Array | null>
  readonly passed: number
  readonly failed: number
}

export function createAuditor (init: AuditorInit): Auditor {
  const { store, chunks, clock, random, logger } = init
  const bad = new Set<string>()
  const failuresInARow = new Map<string, number>()
  let passed = 0
  let failed = 0

  const verdict = async (peer: string, ok: boolean, why: string): Promise<void> => {
    if (ok) {
      passed++
      failuresInARow.delete(peer)
      await store.updatePeer(peer, old => ({ ...old, auditsPassed: old.auditsPassed + 1 }))
      return
    }
    failed++
    const inARow = (failuresInARow.get(peer) ?? 0) + 1
    failuresInARow.set(peer, inARow)
    const markBad = inARow >= init.maxFailures && !bad.has(peer)
    if (markBad) {
      bad.add(peer)
      logger.warn({ peer, reason: why, inARow }, 'peer marked bad: it failed audits')
    }
    const reason = `${inARow} audits failed in a row, the last: ${why}`
    await store.updatePeer(peer, old => ({
      ...old,
      auditsFailed: old.auditsFailed + 1,
      ...(markBad ? { bad: { reason, since: init.now() } } : {})
    }))
  }

  return {
    async load () {
      for await (const [peer, record] of store.peerRecords()) if (record.bad !== undefined) bad.add(peer)
    },
    isBad: peer => bad.has(peer),
    async audit (peer, cid, bytes, signal) {
      const nonce = random.bytes(NONCE_BYTES)
      let why: string
      try {
        const proof = await withDeadline(clock, init.timeoutMs, [signal], async s => await chunks.audit(peer, cid, nonce, { signal: s }))
        if (proof !== null && equalBytes(proof, auditProof(nonce, bytes))) {
          await verdict(peer.toString(), true, '')
          return true
        }
        why = proof === null ? `said it does not hold ${cid.toString()}` : `wrong proof for ${cid.toString()}`
      } catch (err) {
        // our own stop is no verdict on the peer
        if (signal?.aborted === true) throw err
        why = `no proof for ${cid.toString()}: ${(err as { code?: string }).code ?? (err as Error).name}`
      }
      await verdict(peer.toString(), false, why)
      return false
    },
    async retrieve (peer, cid, signal) {
      let why: string
      try {
        const bytes = await withDeadline(clock, init.timeoutMs, [signal], async s => await chunks.get(peer, cid, { signal: s }))
        if (bytes !== null) {
          await verdict(peer.toString(), true, '')
          return bytes
        }
        why = `said it does not hold ${cid.toString()}`
      } catch (err) {
        if (signal?.aborted === true) throw err
        why = err instanceof PeerIntegrityError ? `wrong bytes for ${cid.toString()}` : `no copy of ${cid.toString()}: ${(err as { code?: string }).code ?? (err as Error).name}`
      }
      await verdict(peer.toString(), false, why)
      return null
    },
    get passed () { return passed },
    get failed () { return failed }
  }
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
