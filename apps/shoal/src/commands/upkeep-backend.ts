// check, renew and rm ask every holder of every block: only the network (--bootstrap) and a
// running node can do that, not a --vault.
import { parseCapability } from '@shoal/manifest'
import type { Upkeep } from '../backend/backend.js'
import { withBackend } from '../backend/choose.js'
import type { CommonOptions } from '../context.js'
import { UsageError } from '../errors.js'
import type { CommandIo } from '../io.js'

export async function withUpkeep<T> (command: string, uri: string, flags: CommonOptions, io: CommandIo, fn: (upkeep: Upkeep, signal: AbortSignal, via: string) => Promise<T>): Promise<T> {
  try {
    parseCapability(uri)
  } catch (err) {
    throw new UsageError(`${command}: '${uri}' is not a capability URI (${(err as Error).message})`)
  }
  if (flags.vault !== undefined) throw new UsageError(`${command} asks the holders on the network: use --bootstrap MULTIADDR or a running node, not --vault`)
  return await withBackend(flags, io, { peers: 1 }, async (backend, signal) => {
    if (backend.upkeep === undefined) throw new UsageError(`${command} needs the network (--bootstrap) or a running node`)
    return await fn(backend.upkeep, signal, backend.via)
  })
}
