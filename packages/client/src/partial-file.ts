// What every resumable download shares, whatever fills its partial file (the swarm, or a
// daemon's HTTP body): how often its state is brought up to date, and whole writes.
import { constants } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'

/**
 * A partial file's state is brought up to date this often, or after this many bytes,
 * whichever comes first: at most a second or 16 MiB is fetched again after a crash.
 */
export const CHECKPOINT_MS = 1_000
export const CHECKPOINT_BYTES = 16 * 1024 * 1024

/** Writes all of `bytes` at `position` (one call may write less). */
export async function writeAt (file: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let written = 0
  while (written < bytes.byteLength) {
    const { bytesWritten } = await file.write(bytes, written, bytes.byteLength - written, position + written)
    written += bytesWritten
  }
}

// Opening a partial file, its state or a temporary of either never follows a symbolic
// link at that name (ELOOP instead): a link there is not ours, and may have been made by a
// tree from someone else's manifest, pointing anywhere. (Windows has no O_NOFOLLOW.)
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0
/** open(2) flags: create or truncate, write only */
export const CREATE_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | NO_FOLLOW
/** open(2) flags: read and write what is there */
export const RESUME_NO_FOLLOW = constants.O_RDWR | NO_FOLLOW
