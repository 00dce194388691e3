// What survived: every remaining vault's store is listed once, and each unit of each file
// (a replicated chunk, or a stripe) counted as lost when no vault that has not left holds
// enough of it, and as unavailable when the vaults up right now do not.
import type { MemoryNode } from '@shoal/node/memory'
import type { SimFile } from './files.js'

export interface Census { units: number, unitsLost: number, filesLost: number, filesUnavailable: number, copies: number }

export async function census (remaining: MemoryNode[], files: SimFile[]): Promise<Census> {
  const held = new Map<string, number>()
  const heldUp = new Map<string, number>()
  let copies = 0
  for (const vault of remaining) {
    if (vault.store === null) continue
    for await (const cid of vault.store.list()) {
      const key = cid.toString()
      held.set(key, (held.get(key) ?? 0) + 1)
      if (vault.up) heldUp.set(key, (heldUp.get(key) ?? 0) + 1)
      copies++
    }
  }
  const present = (counts: Map<string, number>, cids: { toString: () => string }[]): number => cids.filter(c => (counts.get(c.toString()) ?? 0) > 0).length
  let units = 0
  let unitsLost = 0
  let filesLost = 0
  let filesUnavailable = 0
  for (const file of files) {
    let lost = false
    let unavailable = false
    for (const unit of file.units) {
      units++
      if (present(held, unit.cids) < unit.needed) { unitsLost++; lost = true }
      if (present(heldUp, unit.cids) < unit.needed) unavailable = true
    }
    if (lost) filesLost++
    if (unavailable) filesUnavailable++
  }
  return { units, unitsLost, filesLost, filesUnavailable, copies }
}
