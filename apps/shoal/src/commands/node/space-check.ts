// At start, whether the vault can keep the promise --space makes: the store refuses puts
// its disk has no room for and, after a restart with a smaller --space, every put, but
// an operator should hear of either before the refusals start.
import type { NodeLogger } from '@shoal/node'
import type { StoreStats } from '@shoal/store'
import { formatBytes } from '../../size.js'

/** Warns (one line) of a vault over its --space, or on a disk that cannot hold it; `vault` is its dir. */
export function checkSpace (stats: StoreStats, vault: string, logger: Pick<NodeLogger, 'warn'>): void {
  const { bytes, space, diskFree } = stats
  if (bytes > space) {
    logger.warn({ vault, held: bytes, space }, `the vault holds ${formatBytes(bytes)}, more than the ${formatBytes(space)} --space offers: it takes no new chunks`)
  } else if (diskFree !== undefined && bytes + diskFree < space) {
    logger.warn({ vault, held: bytes, space, diskFree }, `the vault's disk has ${formatBytes(diskFree)} free, too little for the ${formatBytes(space)} --space offers (${formatBytes(bytes)} held): chunks will be refused once it is full`)
  }
}
