// A local network of real `shoal node` processes on 127.0.0.x, node 0 the bootstrap of
// the rest, and the wait until they all know each other: `shoal testnet`, the demo, the
// tests' testnet helper and the network bench all start theirs with this. Separate
// processes rather than N nodes in one: that is what a real network looks like, and
// `kill -9` of one is a real crash.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { requireDaemon } from './daemon-client.js'
import { firstJsonLine, nodeArgs, stopNodeNow, type NodeStarted } from './node-process.js'

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
  /** how long one node may take to come up (default 20 s) */
  startTimeoutMs?: number
  /** wait until every routing table lists every other node, or K of them (default true) */
  mesh?: boolean
  /** how long the nodes may take to learn of each other (default 30 s) */
  meshTimeoutMs?: number
  /** stops the start: the nodes already up are stopped, and the error is the signal's reason */
  signal?: AbortSignal
}

export interface TestnetNode {
  index: number
  peerId: string
  /** full address: /ip4/127.0.0.x/tcp/…/p2p/… */
  address: string
  /** the node's HTTP API: http://127.0.0.x:port (token in dataDir/api-token) */
  api: string
  dataDir: string
  process: ChildProcess
  /** the last 8 KiB the node wrote to stderr, when it is a pipe */
  stderr: () => string
}

export interface Testnet {
  /** node 0's address, for --bootstrap */
  bootstrap: string
  nodes: TestnetNode[]
  /** Stops every node still running at once (two SIGINTs, no drain; SIGKILL after 5 s); resolves once all have exited. The data dirs stay. */
  stop: () => Promise<void>
  /**
   * Starts one more node (index nodes.length, the next 127.0.0.x), joining through
   * `bootstrap` (default node 0), as a PC that comes online; it is added to `nodes`.
   */
  add: (options?: { bootstrap?: string }) => Promise<TestnetNode>
}

export async function startTestnet (init: TestnetInit): Promise<Testnet> {
  const start = init.spawn ?? ((args: string[]) => spawn(process.execPath, [...process.execArgv, shoalBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }))
  const children: ChildProcess[] = []
  // a testnet's nodes all go at once: none drains to the others
  const stop = async (): Promise<void> => { await Promise.all(children.map(async child => { await stopNodeNow(child) })) }
  const nodes: TestnetNode[] = []

  async function startNode (bootstrap: string | undefined): Promise<TestnetNode> {
    init.signal?.throwIfAborted()
    const i = nodes.length
    const dataDir = await init.dataDir(i)
    const args = nodeArgs({ dataDir, space: init.space(i), host: `127.0.0.${(init.firstHost ?? 2) + i}`, replicas: init.replicas, logLevel: init.logLevel, bootstrap, extra: init.nodeFlags })
    const child = start(args, i)
    children.push(child)
    const stderr = tail(child)
    const up = firstJsonLine<NodeStarted>(child, {
      what: `node ${i}`,
      timeoutMs: init.startTimeoutMs ?? 20_000,
      stderr,
      exited: code => new NodeExitedError(i, code, stderr())
    })
    const started = await untilAborted(up, init.signal)
    const node = { index: i, peerId: started.peerId, address: started.addresses[0], api: started.api, dataDir, process: child, stderr }
    nodes.push(node)
    return node
  }

  try {
    for (let i = 0; i < init.nodes; i++) await startNode(nodes[0]?.address)
    if (init.mesh !== false) await waitForMesh(nodes, { timeoutMs: init.meshTimeoutMs, signal: init.signal })
  } catch (err) {
    await stop()
    throw err
  }
  return { bootstrap: nodes[0].address, nodes, stop, add: async (options = {}) => await startNode(options.bootstrap ?? nodes[0].address) }
}

/** How long the nodes may take to learn of each other, by default. */
const MESH_TIMEOUT_MS = 30_000

/**
 * Resolves once every node's DHT routing table lists every other node (or, in a network
 * bigger than a k-bucket, at least K of them), so the first put already lands on the
 * truly closest peers. Asks each node's own API, as `shoal status` would.
 */
export async function waitForMesh (nodes: Array<Pick<TestnetNode, 'dataDir'>>, options: { timeoutMs?: number, signal?: AbortSignal } = {}): Promise<void> {
  // loaded here: @shoal/node brings libp2p, which nothing else in this module needs
  const { DHT_K } = await import('@shoal/node')
  const timeoutMs = options.timeoutMs ?? MESH_TIMEOUT_MS
  const want = Math.min(nodes.length - 1, DHT_K)
  const daemons = await Promise.all(nodes.map(async node => await requireDaemon({ data: node.dataDir })))
  const deadline = Date.now() + timeoutMs
  while (true) {
    options.signal?.throwIfAborted()
    const signal = AbortSignal.timeout(5_000) // a node that hangs counts as not there yet
    const tables = await Promise.all(daemons.map(async d => (await d.json<{ routingTable: number }>('GET', '/v1/status', { signal }).catch(() => null))?.routingTable ?? 0))
    if (tables.every(size => size >= want)) return
    if (Date.now() > deadline) throw new MeshTimeoutError(tables, want, timeoutMs)
    await new Promise(resolve => setTimeout(resolve, 200))
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
