// A local network of real `shoal node` processes on 127.0.0.x, node 0 the bootstrap of
// the rest, and the wait until they all know each other: `shoal testnet`, the demo, the
// tests' testnet helper and the network bench all start theirs with this. Separate
// processes rather than N nodes in one: that is what a real network looks like, and
// `kill -9` of one is a real crash. Single nodes can be stopped, killed, started again
// from their data dir and restarted; one that dies is reported, and the rest run on.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { requireDaemon, type DaemonClient } from './daemon-client.js'
import { firstJsonLine, nodeArgs, stopChild, stopNodeNow, type NodeStarted } from './node-process.js'

/** The `shoal` executable of this build (dist/src/ and dist/bundle/ are both two levels down). */
export const shoalBin = fileURLToPath(new URL('../../bin/shoal.js', import.meta.url))

export interface TestnetInit {
  nodes: number
  /** node i's data dir (peer key, vault, API token); made by the node if missing */
  dataDir: (index: number) => string | Promise<string>
  /** node i's vault space, e.g. 256MiB */
  space: (index: number) => string
  /** nodes listen on 127.0.0.<firstHost + i> (default 2) */
  firstHost?: number
  /** the address node i listens on and serves its API at (default 127.0.0.<firstHost + i>) */
  host?: (index: number) => string
  /** made ready before node i first starts (e.g. its network namespace) */
  prepare?: (index: number) => Promise<void>
  /** copies each node's API keeps of an upload that names none (default: the node's 3) */
  replicas?: number
  /** each node's --log-level (default: the node's, info) */
  logLevel?: string
  /** further `shoal node` flags for every node, e.g. ['--repair-interval', '10s'] */
  nodeFlags?: string[]
  /**
   * Starts `shoal node` with these arguments. Default: this Node and these node flags,
   * the shoal executable, stdout and stderr piped (stdout must stay a pipe: the node's
   * first line says it is up).
   */
  spawn?: (args: string[], index: number) => ChildProcess
  /** told of every node process started (each start of a node makes a new one) */
  onSpawn?: (child: ChildProcess, index: number) => void
  /** how long one node may take to come up (default 20 s) */
  startTimeoutMs?: number
  /** wait until every routing table lists every other node, or K of them (default true) */
  mesh?: boolean
  /** how long the nodes may take to learn of each other (default 30 s) */
  meshTimeoutMs?: number
  /** the sizes of the nodes' routing tables, 0 for one that does not answer, for the mesh wait (default: asked of each node's API) */
  routingTables?: (nodes: TestnetNode[], signal: AbortSignal) => Promise<number[]>
  /** given: the nodes not meshing in time is told here and the start goes on (they are up, their tables still filling), rather than an error */
  onMeshTimeout?: (err: MeshTimeoutError) => void
  /** how often the mesh wait asks (default 200 ms) */
  meshPollMs?: number
  /** stops the start: the nodes already up are stopped, and the error is the signal's reason */
  signal?: AbortSignal
  /** a node exited that the testnet did not stop (it crashed, or was killed from outside); the rest keep running */
  onDeath?: (node: TestnetNode, exit: NodeExit) => void
}

/** How a node's process ended. */
export interface NodeExit { code: number | null, signal: NodeJS.Signals | null }

/**
 * starting → running → stopping → stopped (the testnet stopped it), or → died (it exited
 * on its own, or failed to start); a stopped or dead node can be started again.
 */
export type NodeState = 'starting' | 'running' | 'stopping' | 'stopped' | 'died'

export interface TestnetNode {
  index: number
  peerId: string
  /** full address: /ip4/127.0.0.x/tcp/…/p2p/… */
  address: string
  /** the node's HTTP API: http://127.0.0.x:port (token in dataDir/api-token) */
  api: string
  dataDir: string
  /** the address it listens on */
  host: string
  /** its current process (a new one after each start) */
  process: ChildProcess
  /** the last 8 KiB its current process wrote to stderr, when it is a pipe */
  stderr: () => string
  state: NodeState
  /** how its last process ended, once one has */
  lastExit?: NodeExit
}

/** How a single node is stopped: `drain` SIGTERM (hands its chunks off, up to 8 s), `now` without the drain, `kill` SIGKILL (a crash). */
export type StopMode = 'drain' | 'now' | 'kill'

export interface Testnet {
  /** node 0's address, for --bootstrap */
  bootstrap: string
  nodes: TestnetNode[]
  /** Stops every node still running at once (two SIGINTs, no drain; SIGKILL after 5 s); resolves once all have exited. The data dirs stay. */
  stop: () => Promise<void>
  /**
   * Starts one more node (index nodes.length, the next 127.0.0.x), joining through
   * `bootstrap` (default node 0, or the first running node), as a PC that comes online;
   * it is added to `nodes`.
   */
  add: (options?: { bootstrap?: string }) => Promise<TestnetNode>
  /** Stops node `index` (default mode `now`); resolves once it has exited. */
  stopNode: (index: number, mode?: StopMode) => Promise<NodeExit>
  /** Starts a stopped or dead node again from its data dir (same peer key, same address and ports when free), joining through a running node. */
  startNode: (index: number) => Promise<TestnetNode>
  /** Stops node `index` without a drain and starts it again. */
  restartNode: (index: number) => Promise<TestnetNode>
}

export async function startTestnet (init: TestnetInit): Promise<Testnet> {
  const start = init.spawn ?? ((args: string[]) => spawn(process.execPath, [...process.execArgv, shoalBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }))
  const hostOf = init.host ?? ((i: number) => `127.0.0.${(init.firstHost ?? 2) + i}`)
  const children = new Set<ChildProcess>()
  let closed = false
  const nodes: TestnetNode[] = []
  /** one operation at a time per node: a start and a stop of the same node never overlap */
  const busy = new Map<number, Promise<unknown>>()
  const serial = async <T>(index: number, op: () => Promise<T>): Promise<T> => {
    const run = (busy.get(index) ?? Promise.resolve()).catch(() => {}).then(op)
    busy.set(index, run)
    return await run
  }

  // a testnet's nodes all go at once: none drains to the others
  const stop = async (): Promise<void> => {
    closed = true
    for (const node of nodes) if (node.state === 'running' || node.state === 'starting') node.state = 'stopping'
    await Promise.all([...children].map(async child => { await stopNodeNow(child) }))
  }

  function liveBootstrap (except: number): string | undefined {
    return nodes.find(n => n.index !== except && n.state === 'running')?.address
  }

  async function launch (node: TestnetNode, bootstrap: string | undefined, ports: { port?: number, apiPort?: number }): Promise<TestnetNode> {
    if (closed) throw new TestnetClosedError()
    init.signal?.throwIfAborted()
    const args = nodeArgs({ dataDir: node.dataDir, space: init.space(node.index), host: node.host, ...ports, replicas: init.replicas, logLevel: init.logLevel, bootstrap, extra: init.nodeFlags })
    const child = start(args, node.index)
    children.add(child)
    init.onSpawn?.(child, node.index)
    const stderr = tail(child)
    node.process = child
    node.stderr = stderr
    node.state = 'starting'
    child.once('exit', (code, signal) => {
      children.delete(child)
      if (node.process !== child) return
      const exit = { code, signal }
      node.lastExit = exit
      const was = node.state
      node.state = was === 'stopping' ? 'stopped' : 'died'
      // a failed start is its caller's error; a running node that goes is news
      if (was === 'running' && !closed) init.onDeath?.(node, exit)
    })
    const up = firstJsonLine<NodeStarted>(child, {
      what: `node ${node.index}`,
      timeoutMs: init.startTimeoutMs ?? 20_000,
      stderr,
      exited: code => new NodeExitedError(node.index, code, stderr())
    })
    try {
      const started = await untilAborted(up, init.signal)
      Object.assign(node, { peerId: started.peerId, address: started.addresses[0], api: started.api, state: 'running' })
      return node
    } catch (err) {
      if (node.process === child && node.state === 'starting') node.state = 'died'
      await stopNodeNow(child)
      throw err
    }
  }

  async function startNew (index: number, bootstrap: string | undefined): Promise<TestnetNode> {
    const node: TestnetNode = { index, peerId: '', address: '', api: '', dataDir: '', host: hostOf(index), process: undefined as unknown as ChildProcess, stderr: () => '', state: 'starting' }
    nodes[index] = node
    return await serial(index, async () => {
      node.dataDir = await init.dataDir(index)
      await init.prepare?.(index)
      return await launch(node, bootstrap, {})
    })
  }

  async function startAgain (index: number): Promise<TestnetNode> {
    const node = nodeAt(nodes, index)
    if (node.state === 'running' || node.state === 'starting') return node
    const bootstrap = liveBootstrap(index)
    const ports = { port: portOf(node.address), apiPort: portOf(node.api) }
    // the same ports, as a PC's node keeps its own; another process may have taken them meanwhile
    return await launch(node, bootstrap, ports).catch(async err => {
      if (closed || ports.port === undefined) throw err
      return await launch(node, bootstrap, {})
    })
  }

  async function stopOne (index: number, mode: StopMode): Promise<NodeExit> {
    const node = nodeAt(nodes, index)
    const child = node.process
    if (node.state === 'stopped' || node.state === 'died') return node.lastExit ?? { code: null, signal: null }
    node.state = 'stopping'
    if (mode === 'kill') child.kill('SIGKILL')
    else if (mode === 'drain') await stopChild(child, 'SIGTERM', 15_000)
    else await stopNodeNow(child)
    if (child.exitCode === null && child.signalCode === null) await new Promise(resolve => child.once('exit', resolve))
    return { code: child.exitCode, signal: child.signalCode }
  }

  try {
    // one after another: a node that joins while others do learns of fewer of them, and
    // the mesh wait then lasts until routing tables refresh
    for (let i = 0; i < init.nodes; i++) await startNew(i, nodes[0]?.address)
    if (init.mesh !== false) {
      await waitForMesh(nodes, { timeoutMs: init.meshTimeoutMs, signal: init.signal, routingTables: init.routingTables, pollMs: init.meshPollMs }).catch(err => {
        if (init.onMeshTimeout === undefined || !(err instanceof MeshTimeoutError)) throw err
        init.onMeshTimeout(err)
      })
    }
  } catch (err) {
    await stop()
    throw err
  }
  return {
    bootstrap: nodes[0].address,
    nodes,
    stop,
    add: async (options = {}) => {
      const bootstrap = options.bootstrap ?? (nodes[0].state === 'running' ? nodes[0].address : liveBootstrap(-1))
      return await startNew(nodes.length, bootstrap)
    },
    stopNode: async (index, mode = 'now') => await serial(index, async () => await stopOne(index, mode)),
    startNode: async index => await serial(index, async () => await startAgain(index)),
    restartNode: async index => await serial(index, async () => { await stopOne(index, 'now'); return await startAgain(index) })
  }
}

function nodeAt (nodes: TestnetNode[], index: number): TestnetNode {
  const node = nodes[index]
  if (node === undefined) throw new NoSuchNodeError(index, nodes.length)
  return node
}

/** The TCP port of a multiaddr or URL, if it names one. */
function portOf (address: string): number | undefined {
  const port = Number(/\/tcp\/(\d+)/.exec(address)?.[1] ?? /:(\d+)\/?$/.exec(address)?.[1])
  return Number.isInteger(port) && port > 0 ? port : undefined
}

/** How long the nodes may take to learn of each other, by default. */
const MESH_TIMEOUT_MS = 30_000

/**
 * Each node's routing table size, asked of its own API as `shoal status` would; 0 for one
 * that does not answer. One client per node for the whole wait: a new one each round
 * would leave its idle connections open on the nodes.
 */
function routingTablesOf (): (nodes: Array<Pick<TestnetNode, 'dataDir'>>, signal: AbortSignal) => Promise<number[]> {
  const daemons = new Map<string, Promise<DaemonClient>>()
  return async (nodes, signal) => await Promise.all(nodes.map(async node => {
    let daemon = daemons.get(node.dataDir)
    if (daemon === undefined) {
      daemon = requireDaemon({ data: node.dataDir })
      daemons.set(node.dataDir, daemon)
    }
    return (await (await daemon).json<{ routingTable: number }>('GET', '/v1/status', { signal })).routingTable
  }).map(async size => await size.catch(() => 0)))
}

/**
 * Resolves once every node's DHT routing table lists every other node (or, in a network
 * bigger than a k-bucket, at least K of them), so the first put already lands on the
 * truly closest peers.
 */
export async function waitForMesh<N extends Pick<TestnetNode, 'dataDir'>> (nodes: N[], options: { timeoutMs?: number, pollMs?: number, signal?: AbortSignal, routingTables?: (nodes: N[], signal: AbortSignal) => Promise<number[]> } = {}): Promise<void> {
  // loaded here: @shoal/node brings libp2p, which nothing else in this module needs
  const { DHT_K } = await import('@shoal/node')
  const timeoutMs = options.timeoutMs ?? MESH_TIMEOUT_MS
  const want = Math.min(nodes.length - 1, DHT_K)
  const ask = options.routingTables ?? routingTablesOf()
  const deadline = Date.now() + timeoutMs
  while (true) {
    options.signal?.throwIfAborted()
    const signal = AbortSignal.timeout(5_000) // a node that hangs counts as not there yet
    const tables = await ask(nodes, signal)
    if (tables.every(size => size >= want)) return
    if (Date.now() > deadline) throw new MeshTimeoutError(tables, want, timeoutMs)
    await new Promise(resolve => setTimeout(resolve, options.pollMs ?? 200))
  }
}

/** The last 8 KiB a process wrote to stderr (read all along, so a chatty one never blocks on a full pipe). */
function tail (child: ChildProcess): () => string {
  let text = ''
  child.stderr?.on('data', (d: Buffer) => { text = (text + d.toString()).slice(-8192) })
  return () => text
}

/** `promise`, or the signal's reason as soon as it aborts. */
async function untilAborted<T> (promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return await promise
  promise.catch(() => {}) // raced: a late rejection must not go unhandled
  signal.throwIfAborted()
  return await new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** The nodes did not all learn of each other in time. */
export class MeshTimeoutError extends Error {
  static readonly code = 'ERR_MESH_TIMEOUT'
  readonly code = MeshTimeoutError.code
  override name = 'MeshTimeoutError'
  constructor (tables: number[], want: number, timeoutMs: number) {
    super(`routing tables not filled within ${timeoutMs / 1000} s (want ${want} peers each, have ${tables.join(', ')})`)
  }
}

/** A node of the testnet exited on its own (while starting, or later). */
export class NodeExitedError extends Error {
  static readonly code = 'ERR_NODE_EXITED'
  readonly code = NodeExitedError.code
  override name = 'NodeExitedError'
  constructor (index: number, exitCode: number | null, stderr = '') {
    super(`node ${index} exited (code ${exitCode})${stderr.trim() !== '' ? `: ${stderr.trim()}` : ''}`)
  }
}

/** A node index the testnet does not have. */
export class NoSuchNodeError extends Error {
  static readonly code = 'ERR_NO_SUCH_NODE'
  readonly code = NoSuchNodeError.code
  override name = 'NoSuchNodeError'
  constructor (index: number, count: number) {
    super(`no node ${index}: the testnet has nodes 0 to ${count - 1}`)
  }
}

/** The testnet is stopping or stopped: no node starts any more. */
export class TestnetClosedError extends Error {
  static readonly code = 'ERR_TESTNET_CLOSED'
  readonly code = TestnetClosedError.code
  override name = 'TestnetClosedError'
  constructor () { super('the testnet is stopping') }
}
