import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { loadOrCreateConvergenceSecret } from '@shoal/crypto'
import { createNode } from '@shoal/node'
import { surviveStrayRejections } from '../../stray-rejections.js'
import { dataDir } from '../../context.js'
import { loadOrCreateApiToken, removeEndpoint, writeEndpoint } from '../../daemon/api-files.js'
import { parseApiAddress } from '../../daemon/listen.js'
import { createLogger } from '../../logger.js'
import type { LogFormat, LogLevel } from '../../log-levels.js'
import { createApiServer, type ApiServer } from '../../daemon/server.js'
import { createMetrics } from '../../daemon/metrics.js'
import { listenForScrapes, type MetricsListener } from '../../daemon/metrics-listener.js'
import { listenAddresses } from './listen.js'
import { parseNodeSpace } from './space.js'
import { checkSpace } from './space-check.js'
import { UsageError } from '../../errors.js'
import { checkBootstrap, checkListen, checkReplicas } from '../../network.js'
import { VERSION } from '../../version.js'
import { println, type CommandIo } from '../../io.js'
import { parseRepairFlags, type RepairFlags } from './repair-flags.js'
import { parseBootstrapTimeout } from './bootstrap-timeout.js'
import { drainVault, DrainIncompleteError, LEAVE_DRAIN_MS } from './drain.js'
import { warmRoutingTable } from './warm-up.js'
import { parsePublicRanges } from './public-ranges.js'
import { parseUpnp } from './upnp.js'

export interface NodeFlags extends RepairFlags {
  listen: string[]
  /** --listen was not given: DEFAULT_LISTEN, whose IPv6 address is dropped where there is no IPv6 */
  listenIsDefault?: boolean
  space: string
  bootstrap?: string[]
  bootstrapTimeout: string
  api: string
  /** GET /metrics alone, without the token, on this address too */
  metricsListen?: string
  replicas: string
  data?: string
  json?: boolean
  logLevel: LogLevel
  logFormat: LogFormat
  /** hand off what only this vault keeps at its target, then exit */
  drain?: boolean
  /** networks the reachability check counts as public (docs/nat.md) */
  publicRanges?: string[]
  /** 'on', 'off', or false for --no-upnp */
  upnp: string | boolean
}

/**
 * Runs a vault node and its HTTP API until SIGINT/SIGTERM, drains (LEAVE_DRAIN_MS; a
 * second signal skips it), then stops the API (no new requests, those in flight aborted),
 * then the node (repair loop, libp2p, then the store). With --drain: starts, drains, exits.
 */
export async function nodeHandler (flags: NodeFlags, io: CommandIo): Promise<void> {
  const given = flags.listen.map(address => checkListen(address))
  const space = parseNodeSpace(flags.space)
  const bootstrap = checkBootstrap(flags.bootstrap)
  const api = parseApiAddress(flags.api)
  const metricsAddress = flags.metricsListen === undefined ? undefined : parseApiAddress(flags.metricsListen, '--metrics-listen')
  const replicas = checkReplicas(flags.replicas)
  const bootstrapTimeoutMs = parseBootstrapTimeout(flags.bootstrapTimeout)
  const publicRanges = parsePublicRanges(flags.publicRanges)
  const upnp = parseUpnp(flags.upnp)
  const { repair, ledger, drainTimeoutMs } = parseRepairFlags(flags)
  if (flags.drain === true && bootstrap.length === 0) throw new UsageError('--drain: hands chunks to the network, so it needs --bootstrap')
  const logger = createLogger({ level: flags.logLevel, format: flags.logFormat, stream: io.stderr, env: io.env })
  const listen = await listenAddresses({ addresses: given, isDefault: flags.listenIsDefault === true, logger })
  const dir = dataDir({ data: flags.data }, io)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const token = await loadOrCreateApiToken(dir)
  const convergenceSecret = await loadOrCreateConvergenceSecret(dir)

  // Listen for signals before starting, so one that arrives during start() (or the
  // bootstrap dials) still ends in a clean stop rather than the default abrupt exit. The
  // first SIGINT or SIGTERM asks for a graceful leave, a second one (or the in-process
  // caller's signal) for a stop at once.
  let signals = 0
  let leaveRequested: () => void = () => {}
  let stopNowRequested: () => void = () => {}
  const leave = new Promise<void>(resolve => { leaveRequested = resolve })
  const stopNow = new Promise<void>(resolve => { stopNowRequested = resolve })
  const onSignal = (): void => { if (++signals === 1 && flags.drain !== true) leaveRequested(); else { leaveRequested(); stopNowRequested() } }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  io.signal?.addEventListener('abort', () => { leaveRequested(); stopNowRequested() }, { once: true })
  // A vault keeps serving the others when one peer's connection breaks libp2p's promises.
  const stopSurviving = surviveStrayRejections(message => logger.warn(message))
  const metrics = createMetrics()
  const node = createNode({ dataDir: dir, listen, space, bootstrap, bootstrapTimeoutMs, logger, repair, ledger, reachability: { publicRanges }, upnp, ...metrics.nodeOptions })
  let server: ApiServer | null = null
  let scrapes: MetricsListener | null = null
  try {
    await node.start()
    if (flags.drain === true) {
      await Promise.race([warmRoutingTable(node), stopNow])
      const summary = await Promise.race([drainVault(node, drainTimeoutMs, io, flags.json === true), stopNow.then(() => null)])
      if (summary === null) return
      if (summary.failed > 0 || summary.timedOut) throw new DrainIncompleteError(summary, drainTimeoutMs)
      return
    }
    if (node.store !== null) checkSpace(await node.store.stats(), join(dir, 'vault'), logger)
    server = createApiServer({ node, token, convergenceSecret, host: api.host, port: api.port, version: VERSION, replicas, logger, dataDir: dir, metrics: metrics.watch(node, dir) })
    await server.start()
    if (metricsAddress !== undefined) scrapes = await listenForScrapes(metrics.registry, metricsAddress)
    // written only once the API answers, so a client that finds it can use it at once
    await writeEndpoint(dir, { url: server.url, pid: process.pid })
    const peerId = node.peerId.toString()
    const addresses = node.multiaddrs.map(String)
    const metricsUrl = scrapes?.url
    if (flags.json === true) {
      println(io.stdout, JSON.stringify({ peerId, addresses, api: server.url, ...(metricsUrl !== undefined ? { metrics: metricsUrl } : {}) }))
    } else {
      println(io.stdout, `peer ${peerId}`)
      for (const address of addresses) println(io.stdout, address)
      println(io.stdout, `api ${server.url}`)
      if (metricsUrl !== undefined) println(io.stdout, `metrics ${metricsUrl}`)
    }
    logger.info({ peer: peerId, addresses, api: server.url, metrics: metricsUrl, version: VERSION }, 'node started')
    await leave
    logger.info('node stopping: handing off what only it keeps (a second Ctrl-C or SIGTERM stops at once)')
    await Promise.race([drainVault(node, LEAVE_DRAIN_MS, io, flags.json === true).catch(err => { logger.warn({ err }, 'drain failed') }), stopNow])
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    stopSurviving()
    await removeEndpoint(dir)
    await scrapes?.stop()
    await server?.stop()
    await node.stop()
  }
  logger.info('node stopped')
}
