// Emulated home NATs for tests (issue 18), beside lab.ts's flat network: a "public"
// bridge (in a hub namespace) that public hosts and home routers' WAN sides sit on, and
// per home a router namespace with IP forwarding, an nftables masquerade (nat-rules.ts)
// and a LAN bridge with hosts behind it. Addresses, all in 198.18.0.0/15 and no route out:
//   the hub (STUN responder)  198.18.0.1/16
//   public host i            198.18.0.(2+i)/16
//   router h, WAN side       198.18.1.(1+h)/16
//   router h, LAN side       198.19.h.1/24, its hosts 198.19.h.(2+j), default route via it
// Public hosts have no route to 198.19.0.0/16: a LAN address is not reachable from outside,
// as on the internet. Nothing touches the host's own interfaces; destroy() ends the lab's
// miniupnpd processes and removes every namespace, and a new lab first removes what
// crashed runs left.
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ip, netnsUnavailable, staleNamespaces } from './ip.js'
import { LAN_IF, WAN_IF, miniupnpdConfig, routerRuleset, type RouterKind } from './nat-rules.js'
import { STUN_PORT, STUN_SCRIPT } from './nat-stun.js'

const PREFIX = 'shoalnat'
const NAME = /^shoalnat(\d+)x\d+-/
const BRIDGE = 'br0'
/** the hub's own address on the public bridge, where the STUN responder listens */
const HUB_ADDRESS = '198.18.0.1'
const READY_MS = 5_000

let labs = 0

/** A host of the lab: where to run things, and its address. */
export interface LabHost {
  namespace: string
  address: string
}

export interface Home {
  index: number
  kind: RouterKind
  /** the router's namespace (nft, miniupnpd run there) */
  router: string
  /** the router's WAN address: what public hosts see LAN hosts' connections come from */
  wan: string
  /** the LAN, e.g. 198.19.0.0/24 */
  lan: string
}

export interface NatLab {
  /** the prefix of all its namespaces, e.g. shoalnat4242x1 */
  name: string
  /** a host on the public bridge */
  addPublic: () => Promise<LabHost>
  /** a router of this kind (with miniupnpd running, for 'upnp') and an empty LAN behind it */
  addHome: (kind: RouterKind) => Promise<Home>
  /** a host on the home's LAN */
  addBehind: (home: Home) => Promise<LabHost>
  /** `argv` run inside the host's (or router's) namespace: `ip netns exec NS …argv` */
  command: (where: LabHost | string, argv: string[]) => string[]
  /** Stops the home's miniupnpd (its port forwards stay until the router's table is flushed: as a router that lost its UPnP daemon). */
  stopUpnp: (home: Home) => Promise<void>
  /** Removes every namespace of the lab, after ending its miniupnpd processes. Stop your own processes in it first. */
  destroy: () => Promise<void>
}

/** A command run for the lab failed; its own words are in the message. */
export class LabCommandError extends Error {
  static readonly code = 'ERR_LAB_COMMAND'
  readonly code = LabCommandError.code
  override name = 'LabCommandError'
}

/** Runs `argv` (bounded: 10 s), with `input` on its stdin; its stdout. */
async function run (argv: string[], input?: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    const child = execFile(argv[0], argv.slice(1), { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err === null) resolve(stdout)
      else reject(new LabCommandError(`${argv.join(' ')}: ${(stderr !== '' ? stderr : err.message).trim()}`))
    })
    // a command that exits without reading its stdin must not fail the run with EPIPE
    child.stdin?.on('error', () => {})
    child.stdin?.end(input ?? '')
  })
}

/**
 * Why the NAT lab cannot be had here (no network namespaces, no `nft`), or null when it
 * can. miniupnpd is asked for apart (upnpUnavailable), as only 'upnp' homes need it.
 */
export async function natLabUnavailable (): Promise<string | null> {
  const netns = await netnsUnavailable()
  if (netns !== null) return netns
  try {
    await run(['nft', '--version'])
  } catch {
    return 'the `nft` command is missing (Debian package nftables)'
  }
  return null
}

/** Why a 'upnp' home cannot be had and tried (no miniupnpd, or no upnpc to ask it with), or null. */
export async function upnpUnavailable (): Promise<string | null> {
  try {
    await run(['miniupnpd', '--version'])
  } catch {
    return 'miniupnpd is missing (Debian package miniupnpd, with miniupnpd-nftables)'
  }
  try {
    await run(['sh', '-c', 'command -v upnpc'])
  } catch {
    return 'upnpc is missing (Debian package miniupnpc)'
  }
  return null
}

export async function createNatLab (): Promise<NatLab> {
  await removeStaleNatLabs()
  const name = `${PREFIX}${process.pid}x${++labs}`
  const hub = `${name}-hub`
  const work = join(tmpdir(), name)
  const namespaces: string[] = []
  const upnpd = new Map<number, ChildProcess>()
  const lanHosts = new Map<number, number>()
  let publics = 0
  let homes = 0

  const addNamespace = async (ns: string): Promise<void> => {
    await ip(['netns', 'add', ns])
    namespaces.push(ns)
    await ip(['-n', ns, 'link', 'set', 'lo', 'up'])
  }
  // both ends made straight in their namespaces, never in the host's
  const addLink = async (outer: string, outerName: string, inner: string, innerName: string): Promise<void> => {
    await ip(['link', 'add', outerName, 'netns', outer, 'type', 'veth', 'peer', 'name', innerName, 'netns', inner])
  }

  await mkdir(work, { recursive: true })
  await addNamespace(hub)
  await ip(['-n', hub, 'link', 'add', BRIDGE, 'type', 'bridge'])
  await ip(['-n', hub, 'link', 'set', BRIDGE, 'up'])
  await ip(['-n', hub, 'addr', 'add', `${HUB_ADDRESS}/16`, 'dev', BRIDGE])
  let stun: ChildProcess | null = null

  async function startUpnp (home: Home): Promise<void> {
    stun ??= await startProcess(['ip', 'netns', 'exec', hub, process.execPath, '-e', STUN_SCRIPT, String(STUN_PORT), HUB_ADDRESS], 'stdout', /ready/, 'the STUN responder')
    const conf = join(work, `miniupnpd-${home.index}.conf`)
    await writeFile(conf, miniupnpdConfig({ stun: HUB_ADDRESS, stunPort: STUN_PORT, lan: home.lan, uuid: randomUUID(), leaseFile: join(work, `upnp-${home.index}.leases`) }))
    // -d: stays in the foreground and logs to stderr; ready once its HTTP server listens
    const child = await startProcess(['ip', 'netns', 'exec', home.router, 'miniupnpd', '-f', conf, '-d', '-P', join(work, `miniupnpd-${home.index}.pid`)], 'stderr', /HTTP listening on port/, 'miniupnpd')
    upnpd.set(home.index, child)
  }

  async function stopUpnp (home: Home): Promise<void> {
    const child = upnpd.get(home.index)
    upnpd.delete(home.index)
    if (child === undefined || child.exitCode !== null) return
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
    await exited
    clearTimeout(timer)
  }

  return {
    name,
    addPublic: async () => {
      const i = publics++
      const ns = `${name}-p${i}`
      const address = `198.18.0.${2 + i}`
      await addNamespace(ns)
      await addLink(hub, `p${i}`, ns, 'eth0')
      await ip(['-n', hub, 'link', 'set', `p${i}`, 'master', BRIDGE, 'up'])
      await ip(['-n', ns, 'addr', 'add', `${address}/16`, 'dev', 'eth0'])
      await ip(['-n', ns, 'link', 'set', 'eth0', 'up'])
      return { namespace: ns, address }
    },
    addHome: async kind => {
      const h = homes++
      const router = `${name}-r${h}`
      const home: Home = { index: h, kind, router, wan: `198.18.1.${1 + h}`, lan: `198.19.${h}.0/24` }
      await addNamespace(router)
      await addLink(hub, `r${h}`, router, WAN_IF)
      await ip(['-n', hub, 'link', 'set', `r${h}`, 'master', BRIDGE, 'up'])
      await ip(['-n', router, 'addr', 'add', `${home.wan}/16`, 'dev', WAN_IF])
      await ip(['-n', router, 'link', 'set', WAN_IF, 'up'])
      await ip(['-n', router, 'link', 'add', LAN_IF, 'type', 'bridge'])
      await ip(['-n', router, 'addr', 'add', `198.19.${h}.1/24`, 'dev', LAN_IF])
      await ip(['-n', router, 'link', 'set', LAN_IF, 'up'])
      // /proc/sys/net belongs to the namespace of whoever writes it
      await run(['ip', 'netns', 'exec', router, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward'])
      await run(['ip', 'netns', 'exec', router, 'nft', '-f', '-'], routerRuleset(kind))
      lanHosts.set(h, 0)
      if (kind === 'upnp') await startUpnp(home)
      return home
    },
    addBehind: async home => {
      const j = lanHosts.get(home.index) ?? 0
      lanHosts.set(home.index, j + 1)
      const ns = `${name}-h${home.index}n${j}`
      const address = `198.19.${home.index}.${2 + j}`
      const port = `h${home.index}n${j}`
      await addNamespace(ns)
      await addLink(home.router, port, ns, 'eth0')
      await ip(['-n', home.router, 'link', 'set', port, 'master', LAN_IF, 'up'])
      await ip(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0'])
      await ip(['-n', ns, 'link', 'set', 'eth0', 'up'])
      await ip(['-n', ns, 'route', 'add', 'default', 'via', `198.19.${home.index}.1`])
      return { namespace: ns, address }
    },
    command: (where, argv) => ['ip', 'netns', 'exec', typeof where === 'string' ? where : where.namespace, ...argv],
    stopUpnp: async home => { await stopUpnp(home) },
    destroy: async () => {
      for (const index of [...upnpd.keys()]) await stopUpnp({ index } as Home).catch(() => {})
      stun?.kill('SIGKILL')
      for (const ns of namespaces.splice(0).reverse()) await removeNamespace(ns)
      await rm(work, { recursive: true, force: true })
    }
  }
}

/** Starts `argv` and waits (bounded) until its `stream` says `ready`. */
async function startProcess (argv: string[], stream: 'stdout' | 'stderr', ready: RegExp, what: string): Promise<ChildProcess> {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', stream === 'stdout' ? 'pipe' : 'ignore', stream === 'stderr' ? 'pipe' : 'ignore'] })
  return await new Promise((resolve, reject) => {
    let said = ''
    const timer = setTimeout(() => { fail(`${what} did not start within ${READY_MS} ms: ${said.trim()}`) }, READY_MS)
    function fail (why: string): void { clearTimeout(timer); child.kill('SIGKILL'); reject(new LabCommandError(why)) }
    const onExit = (code: number | null): void => { fail(`${what} exited (${code}): ${said.trim()}`) }
    child.once('exit', onExit)
    child[stream]?.on('data', d => {
      said += String(d)
      if (!ready.test(said)) return
      clearTimeout(timer)
      child.off('exit', onExit)
      resolve(child)
    })
  })
}

/** Ends what still runs in the namespace (processes the lab or its users started there), then removes it. */
async function removeNamespace (ns: string): Promise<void> {
  const pids = (await ip(['netns', 'pids', ns]).catch(() => '')).split('\n').map(Number).filter(pid => pid > 0)
  for (const pid of pids) {
    try { process.kill(pid, 'SIGKILL') } catch {}
  }
  await ip(['netns', 'del', ns]).catch(() => {})
}

/** Removes the namespaces (and processes in them) of NAT labs whose process is gone; their names. */
export async function removeStaleNatLabs (): Promise<string[]> {
  const stale = await staleNamespaces(NAME)
  for (const n of stale) await removeNamespace(n)
  for (const pid of new Set(stale.map(n => NAME.exec(n)?.[0].replace(/-$/, '')))) {
    if (pid !== undefined) await rm(join(tmpdir(), pid), { recursive: true, force: true })
  }
  return stale
}
