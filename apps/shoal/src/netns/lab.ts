// A network of Linux network namespaces for testnet nodes: one namespace per node, each
// with one veth pair whose other end sits on a bridge in a hub namespace. Everything is
// made here and removed by destroy(): nothing touches the host's own interfaces, the
// addresses are in 198.18.0.0/15 (reserved for benchmarking), and there is no default
// route, so no packet can leave. A cut moves groups of nodes onto bridges of their own;
// heal puts them all back on one.
import { ip, staleNamespaces } from './ip.js'

/** Every namespace of a lab is named `shoalnet<pid>x<n>-…`: a crashed run's are found by its dead pid. */
const PREFIX = 'shoalnet'
const NAME = /^shoalnet(\d+)x\d+-/
/** The shared bridge, in the hub namespace; a cut adds br1, br2… */
const BRIDGE = 'br0'
/** 198.18.0.0/15: the nodes' addresses start at 198.18.0.2 */
const BASE = (198 << 24) | (18 << 16)
const PREFIX_LENGTH = 15

let labs = 0

export interface NetnsLab {
  /** the prefix of all its namespaces, e.g. shoalnet4242x1 */
  name: string
  /** the namespace of node i */
  namespaceOf: (index: number) => string
  /** the IPv4 address of node i, 198.18.0.2 on */
  hostOf: (index: number) => string
  /** makes node i's namespace and link, if not made yet */
  addNode: (index: number) => Promise<void>
  /** `argv` run inside node i's namespace: `ip netns exec NS …argv` */
  command: (index: number, argv: string[]) => string[]
  /** Cuts the network between the groups (node indices); nodes in no group stay with the first. Replaces an earlier cut. */
  cut: (groups: number[][]) => Promise<void>
  /** Every node on one bridge again. */
  heal: () => Promise<void>
  /** the groups of the cut in force, or null when whole */
  partition: () => number[][] | null
  /** Removes every namespace (and so every link) of the lab. Stop its processes first. */
  destroy: () => Promise<void>
}

/** Makes the hub namespace and its bridge, after removing what crashed runs left. */
export async function createNetnsLab (): Promise<NetnsLab> {
  await removeStaleLabs()
  const name = `${PREFIX}${process.pid}x${++labs}`
  const hub = `${name}-hub`
  const made = new Set<number>()
  let groups: number[][] | null = null
  const namespaceOf = (i: number): string => `${name}-n${i}`
  const hostOf = (i: number): string => {
    const n = BASE + 2 + i
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
  }
  await ip(['netns', 'add', hub])
  await ip(['-n', hub, 'link', 'add', BRIDGE, 'type', 'bridge'])
  await ip(['-n', hub, 'link', 'set', BRIDGE, 'up'])

  async function moveTo (bridge: string, nodes: Iterable<number>): Promise<void> {
    for (const i of nodes) await ip(['-n', hub, 'link', 'set', `v${i}`, 'master', bridge])
  }
  async function heal (): Promise<void> {
    await moveTo(BRIDGE, made)
    for (let g = 1; g < (groups?.length ?? 0); g++) await ip(['-n', hub, 'link', 'del', `br${g}`]).catch(() => {})
    groups = null
  }

  return {
    name,
    namespaceOf,
    hostOf,
    addNode: async i => {
      if (made.has(i)) return
      const ns = namespaceOf(i)
      await ip(['netns', 'add', ns])
      made.add(i)
      await ip(['-n', ns, 'link', 'set', 'lo', 'up'])
      // both ends are made straight in their namespaces, never in the host's
      await ip(['link', 'add', `v${i}`, 'netns', hub, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns])
      const group = groups?.findIndex(g => g.includes(i)) ?? -1
      await ip(['-n', hub, 'link', 'set', `v${i}`, 'master', group > 0 ? `br${group}` : BRIDGE, 'up'])
      await ip(['-n', ns, 'addr', 'add', `${hostOf(i)}/${PREFIX_LENGTH}`, 'dev', 'eth0'])
      await ip(['-n', ns, 'link', 'set', 'eth0', 'up'])
    },
    command: (i, argv) => ['ip', 'netns', 'exec', namespaceOf(i), ...argv],
    cut: async wanted => {
      await heal()
      groups = wanted.map(g => [...g])
      for (let g = 1; g < groups.length; g++) {
        await ip(['-n', hub, 'link', 'add', `br${g}`, 'type', 'bridge'])
        await ip(['-n', hub, 'link', 'set', `br${g}`, 'up'])
        await moveTo(`br${g}`, groups[g].filter(i => made.has(i)))
      }
    },
    heal,
    partition: () => groups?.map(g => [...g]) ?? null,
    destroy: async () => {
      for (const i of made) await ip(['netns', 'del', namespaceOf(i)]).catch(() => {})
      made.clear()
      await ip(['netns', 'del', hub]).catch(() => {})
    }
  }
}

/** Removes the namespaces of labs whose process is gone (a run that crashed or was killed); their names. */
export async function removeStaleLabs (): Promise<string[]> {
  const stale = await staleNamespaces(NAME)
  for (const n of stale) await ip(['netns', 'del', n]).catch(() => {})
  return stale
}
