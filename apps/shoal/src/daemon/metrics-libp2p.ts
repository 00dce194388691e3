// What libp2p carries: bytes per protocol from libp2p's own metrics service
// (@libp2p/prometheus-metrics, which wraps every connection and protocol stream), and
// connections and peers read from the node at scrape time. libp2p's service writes to a
// registry of its own that is never scraped: several of its names break Prometheus'
// conventions (gauges named _total, HELP that repeats the name), so only what fits is
// republished here under shoal_* names.
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { Counter, Gauge, Registry } from 'prom-client'
import { REACHABILITY_STATES, type NodeInit, type ShoalNode } from '@shoal/node'
import { onePerScrape } from './metrics-scrape.js'

/** libp2p's counter group of bytes sent and received, labelled `<protocol> sent|received` ("global": whole connections). */
const LIBP2P_TRANSFER = 'libp2p_data_transfer_bytes_total'

export interface Libp2pMetrics {
  /** NodeInit.metrics */
  service: NonNullable<NodeInit['metrics']>
  /** Registers the gauges read from `node` at scrape time. */
  watch: (node: ShoalNode) => void
}

export function libp2pMetrics (registry: Registry): Libp2pMetrics {
  const own = new Registry()
  // collectDefaultMetrics: ours are collected once, with the shoal_ prefix (metrics.ts);
  // preserveExistingMetrics left false: each node's service starts from an empty table
  const service = prometheusMetrics({ registry: own, collectDefaultMetrics: false })
  const transfers = onePerScrape(async (): Promise<Array<{ protocol: string, direction: 'in' | 'out', bytes: number }>> => {
    const metric = own.getSingleMetric(LIBP2P_TRANSFER)
    if (metric === undefined) return []
    const { values } = await metric.get()
    return values.flatMap(({ labels, value }) => {
      const match = /^(.*) (sent|received)$/.exec(String(labels.protocol ?? ''))
      return match === null ? [] : [{ protocol: match[1], direction: match[2] === 'sent' ? 'out' as const : 'in' as const, bytes: value }]
    })
  })
  // eslint-disable-next-line no-new
  new Counter({
    name: 'shoal_protocol_bytes_total',
    help: 'bytes this node sent (out) and received (in) on libp2p streams, by protocol (/shoal/chunk/2.0.0, /shoal/kad/1.0.0, identify, ping, ...)',
    labelNames: ['protocol', 'direction'],
    registers: [registry],
    async collect () {
      this.reset()
      for (const t of await transfers()) if (t.protocol !== 'global') this.inc({ protocol: t.protocol, direction: t.direction }, t.bytes)
    }
  })
  // eslint-disable-next-line no-new
  new Counter({
    name: 'shoal_transport_bytes_total',
    help: 'bytes this node sent (out) and received (in) on all its connections, encryption and muxing included',
    labelNames: ['direction'],
    registers: [registry],
    async collect () {
      this.reset()
      this.inc({ direction: 'in' }, 0)
      this.inc({ direction: 'out' }, 0)
      for (const t of await transfers()) if (t.protocol === 'global') this.inc({ direction: t.direction }, t.bytes)
    }
  })
  return {
    service,
    watch (node) {
      // eslint-disable-next-line no-new
      new Gauge({
        name: 'shoal_connections',
        help: 'libp2p connections open now, by direction (inbound: dialled by the peer)',
        labelNames: ['direction'],
        registers: [registry],
        collect () {
          const count = { inbound: 0, outbound: 0 }
          for (const connection of node.libp2p.getConnections()) count[connection.direction]++
          for (const [direction, n] of Object.entries(count)) this.set({ direction }, n)
        }
      })
      // eslint-disable-next-line no-new
      new Gauge({
        name: 'shoal_peers',
        help: 'peers connected now',
        registers: [registry],
        collect () { this.set(node.libp2p.getPeers().length) }
      })
      // eslint-disable-next-line no-new
      new Gauge({
        name: 'shoal_routing_table_peers',
        help: 'peers in this node\'s DHT routing table',
        registers: [registry],
        collect () { this.set(node.routingTableSize) }
      })
      // eslint-disable-next-line no-new
      new Gauge({
        name: 'shoal_reachability',
        help: 'whether peers can dial this node (docs/nat.md): 1 for the state it is in, 0 for the others',
        labelNames: ['state'],
        registers: [registry],
        collect () {
          const now = node.reachability.state
          for (const state of REACHABILITY_STATES) this.set({ state }, state === now ? 1 : 0)
        }
      })
      // relays (docs/nat.md): counters kept by the node, read at scrape time
      // eslint-disable-next-line no-new
      new Gauge({
        name: 'shoal_relay_reservations',
        help: 'relay slots this node holds (behind NAT), and slots NATed vaults hold on this vault\'s relay',
        labelNames: ['side'],
        registers: [registry],
        collect () {
          const { reservations, server } = node.relay
          this.set({ side: 'held' }, reservations.length)
          this.set({ side: 'served' }, server?.reservations ?? 0)
        }
      })
      // eslint-disable-next-line no-new
      new Gauge({
        name: 'shoal_relayed_connections',
        help: 'this node\'s connections through a relay, open now',
        registers: [registry],
        collect () { this.set(node.relay.relayedConnections) }
      })
      // eslint-disable-next-line no-new
      new Counter({
        name: 'shoal_relay_circuits_total',
        help: 'relayed connections set up through this vault\'s relay since start',
        registers: [registry],
        collect () { this.reset(); this.inc(node.relay.server?.circuits ?? 0) }
      })
      // eslint-disable-next-line no-new
      new Counter({
        name: 'shoal_relay_bytes_total',
        help: 'bytes relayed through this vault\'s relay since start, both ways',
        registers: [registry],
        collect () { this.reset(); this.inc(node.relay.server?.bytes ?? 0) }
      })
      // eslint-disable-next-line no-new
      new Counter({
        name: 'shoal_chunk_requests_refused_relayed_total',
        help: 'chunk requests this node did not send because the peer was reachable through a relay only',
        registers: [registry],
        collect () { this.reset(); this.inc(node.relay.refusedChunkRequests) }
      })
      // eslint-disable-next-line no-new
      new Counter({
        name: 'shoal_hole_punches_total',
        help: 'hole punches this node began (tried), that gave a direct connection (succeeded) or did not (failed), and that it answered for a peer (answered)',
        labelNames: ['result'],
        registers: [registry],
        collect () {
          this.reset()
          const punches = node.relay.punches
          for (const result of ['tried', 'succeeded', 'failed', 'answered'] as const) this.inc({ result }, punches[result])
        }
      })
    }
  }
}
