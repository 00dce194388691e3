// The network model: every node has an uplink, a downlink and an access latency drawn
// from the configured distributions. A message waits until both the sender's uplink and
// the receiver's downlink are free (first come, first served), then takes its size over
// the slower of the two, then the two latencies: so a vault's repair puts and the user
// downloads it serves queue on one uplink. The memory network asks it once per message
// (its `deliveryMs`). Sizes are what the real code sent, times the byte scale.
import type { Request, Response } from '@shoal/protocol'
import type { Clock, Random } from '@shoal/runtime'
import { draw, type Distribution } from './distributions.js'

export interface LinkModel {
  /** Mbit/s */
  uplink: Distribution
  /** Mbit/s */
  downlink: Distribution
  /** one-way access delay of a node, ms: a message takes the sender's plus the receiver's */
  latencyMs: Distribution
}

export const HOME_LINKS: LinkModel = {
  uplink: { kind: 'log-uniform', min: 5, max: 50 },
  downlink: { kind: 'log-uniform', min: 20, max: 200 },
  latencyMs: { kind: 'uniform', min: 10, max: 100 }
}

/** Bytes a message costs besides its payload (framing, CID, target, leases): a rough figure. */
const OVERHEAD_BYTES = 200

export interface Traffic {
  /** PUTs from vault to vault: copies made by repair and hand-off */
  repair: number
  /** every other message between vaults: HAS rounds, audits, pieces fetched to audit or rebuild, answers */
  upkeep: number
  /** between a client and a vault: uploads and downloads */
  user: number
}

export interface Links {
  /** Gives a node its link, drawn now; `client`: its traffic is user traffic. */
  join: (id: string, client: boolean) => void
  /** The memory network's deliveryMs. */
  deliveryMs: (from: string, to: string, message: Request | Response) => number
  /** a node's one-way access latency, ms (0 before it joined) */
  latencyMs: (id: string) => number
  readonly traffic: Traffic
  /** requests between vaults, by type (answers not counted), for measuring the repair loop's upkeep */
  readonly requests: Record<string, number>
}

const REQUEST_TYPES = new Set(['put', 'get', 'has', 'audit', 'renew', 'drop'])

interface Link { up: number, down: number, latency: number, upFree: number, downFree: number, client: boolean }

export interface LinksInit {
  model: LinkModel
  clock: Clock
  random: Random
  /** real bytes × scale = simulated bytes */
  byteScale: number
  /** whether a node answers now: a message to one that does not carries no payload */
  reachable: (id: string) => boolean
  /** a PUT between vaults (repair or hand-off) of this CID leaves now */
  onRepairPut?: (cid: string) => void
}

export function createLinks (init: LinksInit): Links {
  const { model, clock, random, byteScale } = init
  const links = new Map<string, Link>()
  const traffic: Traffic = { repair: 0, upkeep: 0, user: 0 }
  const requests: Record<string, number> = {}

  const bytesOf = (message: Request | Response): number => {
    if (message.type === 'put' || message.type === 'data') return message.bytes.byteLength * byteScale + OVERHEAD_BYTES
    return OVERHEAD_BYTES
  }

  return {
    traffic,
    requests,
    join (id, client) {
      const up = draw(random, model.uplink) * 1e6 / 8 / 1000 // bytes per ms
      const down = draw(random, model.downlink) * 1e6 / 8 / 1000
      links.set(id, { up, down, latency: draw(random, model.latencyMs), upFree: 0, downFree: 0, client })
    },
    latencyMs: id => links.get(id)?.latency ?? 0,
    deliveryMs (from, to, message) {
      const a = links.get(from)
      const b = links.get(to)
      if (a === undefined || b === undefined) return 0
      const latency = a.latency + b.latency
      if (!a.client && !b.client && REQUEST_TYPES.has(message.type)) requests[message.type] = (requests[message.type] ?? 0) + 1
      // a dial to a machine that is off sends nothing but the attempt
      if (!init.reachable(to)) return latency
      const bytes = bytesOf(message)
      const kind = a.client || b.client ? 'user' : message.type === 'put' ? 'repair' : 'upkeep'
      traffic[kind] += bytes
      if (kind === 'repair' && message.type === 'put') init.onRepairPut?.(message.cid.toString())
      const now = clock.now()
      const start = Math.max(now, a.upFree, b.downFree)
      const done = start + bytes / Math.min(a.up, b.down)
      a.upFree = done
      b.downFree = done
      return done - now + latency
    }
  }
}
