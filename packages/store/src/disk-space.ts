// How much the disk under a vault can still take. The vault's --space is a promise the
// disk may not be able to keep (a small partition, other files growing): puts are refused
// once the disk is short, and the reserve keeps room for the index and the OS.
import { statfs } from 'node:fs/promises'

/** Kept free on the disk: 5 % of it, at most 64 MiB. */
export function diskReserve (diskBytes: number): number {
  return Math.min(64 * 1024 * 1024, Math.floor(diskBytes * 0.05))
}

export interface DiskSpace {
  /** Bytes a put may still use (free to us, less the reserve); re-read at most every `maxAgeMs`. */
  free: () => Promise<number>
  /** The disk said no (ENOSPC), or a put just used space: read it afresh next time. */
  stale: () => void
}

export function diskSpace (dir: string, maxAgeMs = 1_000): DiskSpace {
  let cached: { at: number, free: number } | null = null
  return {
    async free () {
      const now = performance.now()
      if (cached === null || now - cached.at > maxAgeMs) {
        const fs = await statfs(dir)
        const total = fs.blocks * fs.bsize
        cached = { at: now, free: Math.max(0, fs.bavail * fs.bsize - diskReserve(total)) }
      }
      return cached.free
    },
    stale () { cached = null }
  }
}
