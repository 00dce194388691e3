import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import { shardOf } from './address.js'

/**
 * Where everything lives in a data dir:
 *   index/                level database (entries, ledger, clean-shutdown marker, LOCK)
 *   blobs/ab/cd/<cid>     chunk bytes; ab/cd = first two bytes of the sha-256 digest in hex
 *   tmp/                  blobs being written; anything here at start is a crash leftover
 *   quarantine/           blobs that failed verification, kept for inspection, not counted
 */
export class Layout {
  readonly index: string
  readonly blobs: string
  readonly tmp: string
  readonly quarantine: string

  constructor (readonly dir: string) {
    this.index = join(dir, 'index')
    this.blobs = join(dir, 'blobs')
    this.tmp = join(dir, 'tmp')
    this.quarantine = join(dir, 'quarantine')
  }

  /** The blob's file and the two shard directories above it (outer first). */
  blob (cid: CID, digest: Uint8Array): { file: string, outer: string, shard: string } {
    const [a, b] = shardOf(digest)
    const outer = join(this.blobs, a)
    const shard = join(outer, b)
    return { file: join(shard, cid.toString()), outer, shard }
  }

  quarantined (cid: CID | string): string {
    return join(this.quarantine, `${cid.toString()}.${Date.now()}`)
  }
}

/** Whether `dir` holds a vault (its index): what a command that only reads may open. */
export async function isVaultDir (dir: string): Promise<boolean> {
  return (await stat(new Layout(dir).index).catch(() => null))?.isDirectory() === true
}
