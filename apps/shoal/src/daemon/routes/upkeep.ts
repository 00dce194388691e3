// POST /v1/check/<uri>[?repair=true&lease=ms], POST /v1/renew/<uri>[?lease=ms] and
// POST /v1/rm/<uri>: `shoal check`, `renew` and `rm` done by the daemon, with its key. An rm
// leaves leased the blocks another of the daemon's kept uploads uses: its lease on a block
// is one, whichever of its files the block was put for.
import { KeptFileUnreadableError } from '@shoal/client'
import { formatCapability } from '@shoal/manifest'
import { ApiError } from '../errors.js'
import { capabilityFromPath, sendJson } from '../http.js'
import { leaseParam } from '../keep-params.js'
import type { ApiContext, ApiRequest, Route } from '../server.js'

/** A lease's length unless the request names one: 90 days. */
const DEFAULT_LEASE_MS = 90 * 24 * 60 * 60 * 1000

export const upkeepRoutes: Route[] = [
  { method: 'POST', path: '/v1/check/', handle: check },
  { method: 'POST', path: '/v1/renew/', handle: renew },
  { method: 'POST', path: '/v1/rm/', handle: remove }
]

async function check (context: ApiContext, { res, url, rest, signal }: ApiRequest): Promise<void> {
  const uri = formatCapability(capabilityFromPath(rest))
  const repair = url.searchParams.get('repair') === 'true'
  sendJson(res, 200, await context.upkeep(signal).check(uri, { repair, leaseMs: leaseParam(url) ?? DEFAULT_LEASE_MS, signal }))
}

async function renew (context: ApiContext, { res, url, rest, signal }: ApiRequest): Promise<void> {
  const uri = formatCapability(capabilityFromPath(rest))
  sendJson(res, 200, await context.upkeep(signal).renew(uri, { leaseMs: leaseParam(url) ?? DEFAULT_LEASE_MS, signal }))
}

async function remove (context: ApiContext, { res, rest, signal }: ApiRequest): Promise<void> {
  const uri = formatCapability(capabilityFromPath(rest))
  const keep = context.keptUploads().filter(other => other !== uri)
  const report = await context.upkeep(signal).remove(uri, { signal, keep }).catch(err => {
    if (err instanceof KeptFileUnreadableError) throw new ApiError(503, err.code, err.message)
    throw err
  })
  await context.forget(uri)
  sendJson(res, 200, report)
}
