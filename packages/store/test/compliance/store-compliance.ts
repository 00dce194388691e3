import { addressRules } from './addresses.js'
import { basicRules } from './basics.js'
import type { MakeStore } from './harness.js'
import { leaseRules } from './leases.js'
import { ledgerRules } from './ledger.js'
import { lifecycleRules } from './lifecycle.js'
import { spaceRules } from './space.js'

export type { MakeStore, StoreFixture } from './harness.js'

/**
 * The Store contract, runnable against any implementation (as js-libp2p's
 * interface-compliance tests are): what every store must do, whatever it keeps chunks in.
 */
export function storeCompliance (name: string, make: MakeStore): void {
  basicRules(name, make)
  addressRules(name, make)
  spaceRules(name, make)
  lifecycleRules(name, make)
  leaseRules(name, make)
  ledgerRules(name, make)
}
