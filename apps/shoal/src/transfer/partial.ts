import { rm } from 'node:fs/promises'
import { partialPaths } from '@shoal/client'
import { parseCapability } from '@shoal/manifest'
import type { PartialFile } from '../backend/backend.js'

/**
 * Where a get of `uri` to `target` keeps what it has written until it is complete, in
 * every mode: `.<name>.shoal-<id>.part` beside the target (a file, or a directory's
 * tree) and, for a file, `.<name>.shoal-<id>.state`. The id comes from the URI's
 * manifest address, so only a get of the same content to the same target continues it.
 */
export function partialOf (target: string, uri: string): PartialFile {
  return partialPaths(target, parseCapability(uri).cid)
}

export async function discardPartial (partial: PartialFile): Promise<void> {
  await rm(partial.data, { force: true })
  await rm(partial.state, { force: true })
}
