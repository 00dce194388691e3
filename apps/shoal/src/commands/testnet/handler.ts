import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InterruptedError } from '../../context.js'
import { UsageError } from '../../errors.js'
import { parseSize } from '../../size.js'
import { requireDaemon } from '../../daemon-client.js'
import { firstJsonLine, nodeArgs, stopChild, type NodeStarted } from '../../node-process.js'

/** kad-dht's bucket size: a bigger network's tables need not list everyone. */
const DHT_K = 20

interface TestnetFlags { nodes: string, space: string, replicas: string, firstHost: string, json?: boolean }

/** How long one node may take to come up before the testnet gives up. */
const START_TIMEOUT_MS = 20_000

/**
 * Starts N `shoal node` processes (node 0 the bootstrap of the rest), each with its own
 * temp data dir, prints the bootstrap address, and on SIGINT/SIGTERM stops them all and
 * removes the dirs. Separate processes rather than N nodes in this one: that is what a
 * real network looks like, and `kill -9` of one is a real crash.
 */
export async function testnetHandler (flags: TestnetFlags): Promise<void> {
  const count = Number(flags.nodes)
  if (!Number.isInteger(count) || count < 1 || count > 200) throw new UsageError(`--nodes: '${flags.nodes}' is not a whole number from 1 to 200`)
  const firstHost = Number(flags.firstHost)
  if (!Number.isInteger(firstHost) || firstHost < 1 || firstHost + count - 1 > 254) throw new UsageError(`--first-host: '${flags.firstHost}' leaves no room for ${count} nodes on 127.0.0.x`)
  parseSize(flags.space, '--space') // the nodes check it too; fail here, once, before starting any
  const replicas = Number(flags.replicas)
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > count) throw new UsageError(`--replicas: '${flags.replicas}' is not a whole number from 1 to the ${count} nodes`)

  let interrupted: () => void = () => {}
  const stopRequested = new Promise<void>(resolve => { interrupted = resolve })
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  const work = await mkdtemp(join(tmpdir(), 'shoal-testnet-'))
  const children: ChildProcess[] = []
  try {
    const nodes: Array<{ peerId: string, address: string, api: string, dataDir: string }> = []
    for (let i = 0; i < count; i++) {
      const dataDir = join(work, `node-${i}`)
      const args = nodeArgs({ dataDir, space: flags.space, host: `127.0.0.${firstHost + i}`, replicas, bootstrap: nodes[0]?.address })
      // the nodes run with this process's node flags (those of the `shoal` executable's shebang)
      const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
      children.push(child)
      const started = firstJsonLine<NodeStarted>(child, { what: `node ${i}`, timeoutMs: START_TIMEOUT_MS, exited: code => new NodeExitedError(i, code) })
      started.catch(() => {}) // raced below; a late rejection must not go unhandled
      const up = await Promise.race([started, stopRequested.then(() => null)])
      if (up === null) throw new InterruptedError()
      nodes.push({ peerId: up.peerId, address: up.addresses[0], api: up.api, dataDir })
    }
    const mesh = await Promise.race([waitForMesh(nodes), stopRequested.then(() => null)])
    if (mesh === null) throw new InterruptedError()
    if (flags.json === true) {
      console.log(JSON.stringify({ bootstrap: nodes[0].address, replicas, nodes }))
    } else {
      console.log(nodes[0].address)
      console.log(nodes[0].api)
      console.error(`${count} node${count === 1 ? '' : 's'} up (data in ${work}); try: shoal put FILE --bootstrap ${nodes[0].address}`)
      console.error(`node 0's HTTP API is ${nodes[0].api} (token in ${join(nodes[0].dataDir, 'api-token')}); or: shoal put FILE --data ${nodes[0].dataDir}`)
      console.error('Ctrl-C stops them all and removes their data')
    }
    const died = new Promise<NodeExitedError>(resolve => {
      children.forEach((child, i) => child.once('exit', code => { resolve(new NodeExitedError(i, code)) }))
    })
    const death = await Promise.race([stopRequested.then(() => null), died])
    if (death !== null) throw death
  } finally {
    process.off('SIGINT', interrupted)
    process.off('SIGTERM', interrupted)
    await Promise.all(children.map(async child => await stopChild(child)))
    await rm(work, { recursive: true, force: true, maxRetries: 3 })
  }
}

/** How long the nodes may take to learn of each other. */
const MESH_TIMEOUT_MS = 30_000

/**
 * Resolves once every node's DHT routing table lists every other node (or, in a network
 * bigger than a k-bucket, at least K of them), so the first put already lands on the
 * truly closest peers. Asks each node's own API, as `shoal status` would.
 */
async function waitForMesh (nodes: Array<{ dataDir: string }>): Promise<true> {
  const want = Math.min(nodes.length - 1, DHT_K)
  const daemons = await Promise.all(nodes.map(async node => await requireDaemon({ data: node.dataDir })))
  const deadline = Date.now() + MESH_TIMEOUT_MS
  while (true) {
    const tables = await Promise.all(daemons.map(async d => (await d.json<{ routingTable: number }>('GET', '/v1/status').catch(() => null))?.routingTable ?? 0))
    if (tables.every(size => size >= want)) return true
    if (Date.now() > deadline) throw new MeshTimeoutError(tables, want)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

/** The nodes did not all learn of each other in time. */
export class MeshTimeoutError extends Error {
  static readonly code = 'ERR_MESH_TIMEOUT'
  readonly code = MeshTimeoutError.code
  override name = 'MeshTimeoutError'
  constructor (tables: number[], want: number) {
    super(`routing tables not filled within ${MESH_TIMEOUT_MS / 1000} s (want ${want} peers each, have ${tables.join(', ')})`)
  }
}

/** One of the testnet's nodes died on its own. */
export class NodeExitedError extends Error {
  static readonly code = 'ERR_NODE_EXITED'
  readonly code = NodeExitedError.code
  override name = 'NodeExitedError'
  constructor (index: number, exitCode: number | null) { super(`node ${index} exited (code ${exitCode})`) }
}
