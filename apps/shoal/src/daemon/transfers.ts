// The daemon's last few uploads and downloads with their speed, for the web dashboard
// (GET /v1/transfers). No URI is kept: a capability is a secret, and this list is shown.
export interface Transfer {
  direction: 'put' | 'get'
  /** the file's name when the upload or manifest has one */
  name: string | null
  bytes: number
  /** wall time it ended, ms since 1970 */
  at: number
  ms: number
  bytesPerSecond: number
}

export interface Transfers {
  record: (transfer: Omit<Transfer, 'at' | 'bytesPerSecond'>) => void
  /** newest first */
  list: () => Transfer[]
}

/** A ring of the last `size` transfers. */
export function createTransfers (size = 20, now: () => number = Date.now): Transfers {
  const ring: Transfer[] = []
  return {
    record (transfer) {
      const seconds = Math.max(transfer.ms, 1) / 1000
      ring.unshift({ ...transfer, at: now(), bytesPerSecond: Math.round(transfer.bytes / seconds) })
      ring.length = Math.min(ring.length, size)
    },
    list: () => ring.map(t => ({ ...t }))
  }
}
