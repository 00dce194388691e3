// The daemon's local HTTP API (docs/architecture.md, "Daemon and HTTP API") on node:http: few routes, all streaming,
// so a framework would add little beyond another dependency to keep patched.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import debug from 'debug'
import { createSealers, type Sealer } from '@shoal/client'
import { SHARED_CONVERGENCE_SECRET } from '@shoal/crypto'
import { createNetworkSource, type NodeLogger, type ShoalNode } from '@shoal/node'
import { checkBearer } from './auth.js'
import { errorReply, ForeignHostError, RouteNotFoundError, type ErrorReply } from './errors.js'
import { sendJson } from './http.js'
import { createMetrics, type ApiMetrics } from './metrics.js'
import { networkView, type NetworkView } from './network-view.js'
import { networkUpkeep } from '../backend/upkeep.js'
import type { Upkeep } from '../backend/backend.js'
import { startRenewer, type Renewer } from './renewer.js'
import { fileRoutes } from './routes/files.js'
import { healthRoutes } from './routes/health.js'
import { manifestRoutes } from './routes/manifests.js'
import { statusRoutes } from './routes/status.js'
import { uiRoutes } from './routes/ui.js'
import { upkeepRoutes } from './routes/upkeep.js'
import { createTransfers, type Transfers } from './transfers.js'
import { createUiSessions, type UiSessions } from './ui/sessions.js'
import { openUploads, type Uploads } from './uploads.js'
import { requestOriginCheck, type RequestOriginCheck } from './request-origin.js'

/** A lease's length unless an upload names one: 90 days (DEFAULT_LEASE_MS in @shoal/node). */
const DEFAULT_LEASE_MS = 90 * 24 * 60 * 60 * 1000
/** The longest one upload's renewal may take. */
const RENEW_TIMEOUT_MS = 10 * 60 * 1000

const log = debug('shoal:api')

export interface ApiServerInit {
  node: ShoalNode
  /** the bearer token every request must carry */
  token: string
  /** the data dir's convergence secret: uploads dedupe against this user's earlier ones */
  convergenceSecret: Uint8Array
  host: string
  port: number
  version: string
  /** copies kept of each chunk uploaded through the API when the request names none (default 3) */
  replicas?: number
  /** where refused and failed requests are reported (every request at debug) */
  logger: NodeLogger
  /** the data dir: the uploads it renews are recorded there (none given: uploads are not renewed) */
  dataDir?: string
  /** how often it looks for uploads to renew (default 10 minutes) */
  renewIntervalMs?: number
  /** the daemon's metrics, made before the node (none given: made here, without the node's request and libp2p metrics) */
  metrics?: ApiMetrics
}

export interface ApiServer {
  /** Listens; resolves once the port is bound. */
  start: () => Promise<void>
  /** Stops accepting, aborts requests in flight, waits for them, closes the sealers. */
  stop: () => Promise<void>
  /** http://host:port, for clients on this machine (after start) */
  readonly url: string
}

/** What routes get from the daemon. */
export interface ApiContext {
  node: ShoalNode
  metrics: ApiMetrics
  /** The long-lived sealer for a convergence mode, compressing or not, made on first use. */
  sealer: (mode: 'user' | 'shared', compress?: boolean) => { sealer: Sealer, convergenceSecret: Uint8Array }
  url: () => string
  startedAt: number
  version: string
  /** replicas of an upload that names none */
  replicas: number
  /** a recent random-key lookup's answer, for NetworkSinkInit/NetworkSourceInit.network */
  network: NetworkView
  /** Records an upload to renew (a directory's takes over its entries `covers`). */
  uploaded: (uri: string, leaseMs: number | undefined, covers?: string[]) => Promise<void>
  /** Stops renewing an upload. */
  forget: (uri: string) => Promise<void>
  /** The uploads it renews, by URI: an rm leaves the blocks the others use. */
  keptUploads: () => string[]
  /** check, renew and rm through this node, for requests under `signal` */
  upkeep: (signal: AbortSignal) => Upkeep
  /** the last uploads and downloads, for the dashboard */
  transfers: Transfers
  /** the web dashboard's one-time codes, sessions and download tickets */
  ui: UiSessions
}

export interface ApiRequest {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  /** the part of the path after the route's prefix (for prefix routes) */
  rest: string
  /** aborted when the client goes away or the daemon stops */
  signal: AbortSignal
}

export interface Route {
  method: 'GET' | 'POST'
  /** `/v1/status` matches exactly; `/v1/files/` (trailing slash) matches as a prefix; `/` only itself */
  path: string
  /** also answer HEAD (GET routes whose handler honours it) */
  head?: boolean
  /** answered without a bearer: the dashboard's page, /healthz, and routes that check a secret of their own */
  public?: boolean
  handle: (context: ApiContext, request: ApiRequest) => Promise<void>
}

export function createApiServer (init: ApiServerInit): ApiServer {
  const sealers = createSealers()
  const inFlight = new Map<AbortController, Promise<void>>()
  let server: Server | null = null
  let url = ''
  // made once the port is bound; until then nothing is served
  let refuseForeign: RequestOriginCheck = () => { throw new ForeignHostError('') }
  let uploads: Uploads | null = null
  let renewer: Renewer | null = null
  const upkeep = (signal: AbortSignal): Upkeep =>
    networkUpkeep(init.node, createNetworkSource(init.node, { signal })) // a lookup per chunk and stripe: check must find every holder
  const context: ApiContext = {
    node: init.node,
    replicas: init.replicas ?? 3,
    metrics: init.metrics ?? createMetrics().watch(init.node, init.dataDir),
    sealer (mode, compress = true) {
      const convergenceSecret = mode === 'shared' ? SHARED_CONVERGENCE_SECRET : init.convergenceSecret
      return { sealer: sealers.get(mode, convergenceSecret, compress), convergenceSecret }
    },
    url: () => url,
    network: networkView(init.node),
    startedAt: Date.now(),
    version: init.version,
    async uploaded (uri, leaseMs, covers) {
      await uploads?.add(uri, leaseMs ?? DEFAULT_LEASE_MS, Date.now(), covers)
    },
    async forget (uri) {
      await uploads?.forget(uri)
    },
    keptUploads: () => uploads?.uris() ?? [],
    upkeep,
    transfers: createTransfers(),
    ui: createUiSessions()
  }
  const routes = [...fileRoutes, ...manifestRoutes, ...statusRoutes, ...upkeepRoutes, ...uiRoutes, ...healthRoutes]

  async function serve (req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const parsed = new URL(req.url ?? '/', 'http://localhost')
    const started = performance.now()
    // the route, never the path: a path under /v1/files/ holds a capability, its key included
    let label = 'unknown'
    try {
      // DNS-rebinding and cross-origin requests, on every route, public ones included
      refuseForeign(req)
      const route = routes.find(r => (r.method === req.method || (r.head === true && req.method === 'HEAD')) &&
        (isPrefix(r) ? parsed.pathname.startsWith(r.path) && parsed.pathname.length > r.path.length : parsed.pathname === r.path))
      // a missing route is told apart from a forbidden one only to a caller with the token
      if (route?.public !== true) checkBearer(req, init.token, context.ui.isSession)
      if (route === undefined) throw new RouteNotFoundError(req.method ?? '?', parsed.pathname)
      label = `${route.method} ${route.path}`
      const rest = isPrefix(route) ? parsed.pathname.slice(route.path.length) : ''
      await route.handle(context, { req, res, url: parsed, rest, signal })
    } catch (err) {
      if (signal.aborted) {
        // the client went away or the daemon is stopping: nobody to answer, nothing broken
        init.logger.debug({ route: label, reason: (signal.reason as Error)?.message }, 'request aborted')
        res.destroy()
      } else if (res.headersSent) {
        // the status is out already: cutting the connection is the only way left to say
        // the body is incomplete (the client sees fewer bytes than Content-Length)
        init.logger.warn({ route: label, error: (err as Error).message }, `${label} failed after its status was sent: the body was cut`)
        res.destroy()
      } else if (!res.destroyed) {
        const reply = errorReply(err)
        logRefusal(init.logger, label, reply, err)
        // A client still sending a body it was refused would see its connection reset
        // rather than our answer, so read the rest first (up to a bound), then answer.
        if (hasBody(req) && !req.complete && !(await discard(req, DISCARD_LIMIT))) res.setHeader('connection', 'close')
        if (!res.destroyed) sendJson(res, reply.status, reply.body, reply.headers)
      }
    } finally {
      const status = res.writableEnded ? String(res.statusCode) : 'aborted'
      context.metrics.requests.inc({ route: label, status })
      init.logger.debug({ route: label, status, ms: Math.round(performance.now() - started) }, 'request')
    }
  }

  return {
    get url () { return url },
    async start () {
      server = createServer((req, res) => {
        const controller = new AbortController()
        // 'close' fires when the response is done or the socket went away; only the latter aborts
        res.once('close', () => { if (!res.writableFinished) controller.abort(new Error('client went away')) })
        // an upload waiting for body bytes does not watch the signal: ending the body ends it
        controller.signal.addEventListener('abort', () => { req.destroy() }, { once: true })
        const done = serve(req, res, controller.signal)
          .catch(err => { init.logger.error({ err }, 'request handling failed'); res.destroy() }) // never an unhandled rejection
          .finally(() => inFlight.delete(controller))
        inFlight.set(controller, done)
      })
      // uploads of large files may legitimately take long; the daemon's own signals end them
      server.requestTimeout = 0
      const listening = server
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject)
        listening.listen(init.port, init.host, () => { listening.off('error', reject); resolve() })
      })
      const address = listening.address() as AddressInfo
      refuseForeign = requestOriginCheck(init.host, address.port)
      url = `http://${clientHost(address.address)}:${address.port}`
      log('listening on %s', url)
      if (init.dataDir !== undefined) {
        uploads = await openUploads(init.dataDir)
        const renewing = uploads
        renewer = startRenewer({
          uploads: renewing,
          // each upload its own source: a lookup's answers go stale between rounds
          renew: async (uri, options) => await upkeep(options.signal ?? AbortSignal.timeout(RENEW_TIMEOUT_MS)).renew(uri, options),
          logger: init.logger,
          ...(init.renewIntervalMs !== undefined ? { intervalMs: init.renewIntervalMs } : {})
        })
      }
    },
    async stop () {
      await renewer?.stop()
      renewer = null
      const closing = server
      server = null
      if (closing !== null) {
        const closed = new Promise<void>(resolve => closing.close(() => resolve()))
        for (const controller of inFlight.keys()) controller.abort(new Error('daemon stopping'))
        await Promise.allSettled(inFlight.values())
        closing.closeAllConnections()
        await closed
      }
      await sealers.close()
    }
  }
}

/**
 * A refused or failed request in the log: an internal error (a bug, a disk error) with its
 * stack; a refusal for space, holders or bad bytes from the network, and a wrong token, at
 * warn; a client's own mistake (400, 404, 409, …) only at debug.
 */
function logRefusal (logger: NodeLogger, route: string, reply: ErrorReply, err: unknown): void {
  const { code, message } = reply.body.error
  if (reply.status === 500) logger.error({ route, err }, `${route} failed: ${(err as Error)?.message ?? String(err)}`)
  else if (reply.status >= 500 || reply.status === 401) logger.warn({ route, status: reply.status, code }, `${route} refused: ${message}`)
  else logger.debug({ route, status: reply.status, code }, `${route} refused: ${message}`)
}

function isPrefix (route: Route): boolean {
  return route.path.endsWith('/') && route.path !== '/'
}

/** Bytes of a refused upload read and dropped so the client can read our answer. */
const DISCARD_LIMIT = 16 * 1024 * 1024

/** Reads and drops the rest of a body; false if it is longer than `limit` (the connection then closes). */
async function discard (req: IncomingMessage, limit: number): Promise<boolean> {
  let length = 0
  try {
    for await (const part of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      length += part.byteLength
      if (length > limit) return false
    }
    return true
  } catch {
    return false // the client went away: nobody to answer
  }
}

function hasBody (req: IncomingMessage): boolean {
  const length = req.headers['content-length']
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

/** The host a local client should dial: an unspecified bind address means loopback works. */
function clientHost (address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1'
  if (address === '::') return '[::1]'
  return address.includes(':') ? `[${address}]` : address
}
