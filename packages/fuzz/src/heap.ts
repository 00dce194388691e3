// How much memory one call holds on to while it runs, to show that an input claiming a
// huge length does not make the decoder allocate it.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function used (): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}

/**
 * Bytes in use just after `run` (before any full collection) beyond what was in use
 * just before it: an allocation the size of a hostile length claim shows here even if
 * `run` then threw and dropped it.
 */
export function allocatedBy (run: () => void): number {
  gc()
  const before = used()
  try { run() } catch {}
  return used() - before
}

export async function allocatedByAsync (run: () => Promise<void>): Promise<number> {
  gc()
  const before = used()
  try { await run() } catch {}
  return used() - before
}
