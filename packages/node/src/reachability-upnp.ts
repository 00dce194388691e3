// UPnP IGD (issue 18, docs/nat.md): a node listening on a private address asks the router
// to forward its TCP port, on the same port of the router's own address, so that peers
// can dial it. The client is @achingbrain/nat-port-mapper, the one @libp2p/upnp-nat uses;
// not @libp2p/upnp-nat itself, which refuses any router whose address libp2p calls
// private, as the NAT lab's 198.18.0.0/15 is: here `publicRanges` decides, as for the
// dial-back. Never run for loopback or public listen addresses, so nothing is multicast
// where no router can be.
import { upnpNat, type Gateway, type PortMapping } from '@achingbrain/nat-port-mapper'
import { getNetConfig, isLinkLocal, isLoopback } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import { isPublicIp } from './reachability.js'
import type { NodeLogger } from './logger.js'

export interface UpnpInit {
  publicRanges: readonly string[]
  logger: NodeLogger
  /** told of each port the router now forwards */
  onMapped: (mapping: PortMapping) => void
  /** how long to look for a router (default 10 s) */
  searchTimeoutMs?: number
}

export interface UpnpMapper {
  /** the forwards in force */
  mappings: () => PortMapping[]
  /** Removes the forwards (bounded: 2 s) and stops looking. */
  stop: () => Promise<void>
}

const DESCRIPTION = 'shoal'

/** Starts looking for a UPnP router in the background; returns at once. */
export function startUpnp (listen: Multiaddr[], init: UpnpInit): UpnpMapper {
  const wanted = listen.flatMap(ma => {
    try {
      const { type, host, port, protocol } = getNetConfig(ma)
      if (type !== 'ip4' || protocol !== 'tcp' || port === undefined || isLoopback(ma) || isLinkLocal(ma) || isPublicIp(host, init.publicRanges)) return []
      return [{ host, port }]
    } catch {
      return []
    }
  })
  const mapped: PortMapping[] = []
  const controller = new AbortController()
  let gateway: Gateway | null = null

  async function map (): Promise<void> {
    const client = upnpNat({ description: DESCRIPTION, autoRefresh: true })
    // the search, then the router's HTTP API (a router that answered may not answer that), each bounded
    const search = within(init.searchTimeoutMs ?? 10_000, controller.signal)
    try {
      gateway = await firstGateway(client.findGateways({ signal: search.signal }), search.signal)
    } finally {
      search.clear()
    }
    if (controller.signal.aborted) return
    if (gateway === null) {
      init.logger.info({}, 'UPnP: no router answered')
      return
    }
    const asking = within(init.searchTimeoutMs ?? 10_000, controller.signal)
    try {
      const external = await gateway.externalIp({ signal: asking.signal })
      if (!isPublicIp(external, init.publicRanges)) {
        init.logger.warn({ router: external }, 'UPnP: the router\'s own address is not public (another NAT in front of it?): a port forward there would not help')
        return
      }
      for (const { host, port } of wanted) {
        const mapping = await gateway.map(port, host, { protocol: 'TCP', externalPort: port, signal: asking.signal })
        mapped.push(mapping)
        init.logger.info({ external: `${mapping.externalHost}:${mapping.externalPort}`, internal: `${mapping.internalHost}:${mapping.internalPort}` }, 'UPnP: the router forwards a port to this node')
        init.onMapped(mapping)
      }
    } finally {
      asking.clear()
    }
  }

  if (wanted.length > 0) {
    void map().catch(err => {
      if (!controller.signal.aborted) init.logger.info({ reason: (err as Error).message }, 'UPnP: no router forwarded a port to this node')
    })
  }

  return {
    mappings: () => [...mapped],
    stop: async () => {
      controller.abort()
      await gateway?.stop({ signal: AbortSignal.timeout(2_000) }).catch(() => {})
    }
  }
}

/**
 * A signal that aborts after `ms`, or when `stop` does, on a timer of its own: with
 * AbortSignal.any over AbortSignal.timeout the search was never given up in a running
 * vault (though it was in a bare process), as if the combined signal had been collected.
 */
function within (ms: number, stop: AbortSignal): { signal: AbortSignal, clear: () => void } {
  const controller = new AbortController()
  const timer = setTimeout(() => { controller.abort(new Error(`no answer within ${ms} ms`)) }, ms)
  const onStop = (): void => { controller.abort(stop.reason) }
  if (stop.aborted) onStop()
  else stop.addEventListener('abort', onStop, { once: true })
  return { signal: controller.signal, clear: () => { clearTimeout(timer); stop.removeEventListener('abort', onStop) } }
}

/**
 * The first IPv4 gateway `gateways` yields, or null once `signal` aborts. The search's own
 * iterator does not end when its signal aborts while no router answers (nat-port-mapper
 * 4.0.5, seen in the NAT lab): without this race the node never said none answered.
 */
export async function firstGateway (gateways: AsyncIterable<Gateway>, signal: AbortSignal): Promise<Gateway | null> {
  const iterator = gateways[Symbol.asyncIterator]()
  return await new Promise(resolve => {
    const onAbort = (): void => {
      resolve(null)
      void iterator.return?.()?.catch(() => {})
    }
    if (signal.aborted) { onAbort(); return }
    signal.addEventListener('abort', onAbort, { once: true })
    void (async () => {
      try {
        for (;;) {
          const next = await iterator.next()
          if (next.done === true) break
          if (next.value.family === 'IPv4') {
            resolve(next.value)
            void iterator.return?.()?.catch(() => {})
            return
          }
        }
      } catch {}
      resolve(null)
    })().finally(() => { signal.removeEventListener('abort', onAbort) })
  })
}
