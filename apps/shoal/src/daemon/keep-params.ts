// How an upload through the API is kept: `?redundancy=replicate:3|rs:4+2` (or the older
// `?replicas=N`, not both) and `?lease=<ms>`.
import type { Redundancy } from '@shoal/manifest'
import { UsageError } from '../errors.js'
import { MAX_LEASE_MS } from '../lease-flag.js'
import { parseRedundancy } from '../redundancy.js'
import { BadRequestError } from './errors.js'
import { replicasParam } from './http.js'

export interface Keeping {
  /** copies a sink keeps of a chunk with no target of its own */
  replicas: number
  redundancy?: Redundancy
  leaseMs?: number
}

export function keepParams (url: URL, fallbackReplicas: number): Keeping {
  const text = url.searchParams.get('redundancy')
  if (text !== null && url.searchParams.has('replicas')) throw new BadRequestError('replicas and redundancy both say how chunks are kept: give one')
  const leaseMs = leaseParam(url)
  const lease = leaseMs !== undefined ? { leaseMs } : {}
  if (text === null) return { replicas: replicasParam(url, fallbackReplicas), ...lease }
  let redundancy: Redundancy
  try {
    redundancy = parseRedundancy(text, 'redundancy')
  } catch (err) {
    throw err instanceof UsageError ? new BadRequestError(err.message) : err
  }
  return { replicas: redundancy.scheme === 'replicate' ? redundancy.replicas : 3, redundancy, ...lease }
}

/** `?lease=`: whole milliseconds, from one second to 400 days (what a vault takes). */
export function leaseParam (url: URL): number | undefined {
  const text = url.searchParams.get('lease')
  if (text === null) return undefined
  const ms = Number(text)
  if (!/^\d+$/.test(text) || ms < 1000 || ms > MAX_LEASE_MS) throw new BadRequestError(`lease: '${text}' is not a whole number of milliseconds from 1000 to ${MAX_LEASE_MS}`)
  return ms
}
