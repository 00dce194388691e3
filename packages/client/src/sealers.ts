import { createSealer, type Sealer } from './seal-pool.js'

/**
 * Long-lived sealers (worker threads), one per convergence mode and compression setting,
 * made on first use: a daemon's uploads, or every file of one directory put, share them
 * instead of starting workers each.
 */
export interface Sealers {
  /** The sealer for `mode` (a name for `convergenceSecret`) and `compress`. */
  get: (mode: string, convergenceSecret: Uint8Array, compress: boolean) => Sealer
  /** Closes every sealer made. */
  close: () => Promise<void>
}

export function createSealers (): Sealers {
  const sealers = new Map<string, Sealer>()
  return {
    get (mode, convergenceSecret, compress) {
      const key = `${mode}/${String(compress)}`
      let made = sealers.get(key)
      if (made === undefined) {
        made = createSealer({ convergenceSecret, compress })
        sealers.set(key, made)
      }
      return made
    },
    async close () {
      const closing = [...sealers.values()]
      sealers.clear()
      await Promise.all(closing.map(async sealer => { await sealer.close() }))
    }
  }
}
