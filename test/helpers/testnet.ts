// createTestnet: N real `shoal node` processes on 127.0.0.x, one temp data dir each,
// the first the bootstrap of the rest. stop() kills them all and removes the dirs.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { firstJsonLine, nodeArgs, stopChild, type NodeStarted } from '@shoal/cli'
import { shoalBin } from './cli.js'

export interface TestnetNode {
  peerId: string
  /** full address: /ip4/127.0.0.x/tcp/…/p2p/… */
  address: string
  /** the node's HTTP API: http://127.0.0.x:port (token in dataDir/api-token) */
  api: string
  dataDir: string
  process: ChildProcess
}

export interface Testnet {
  /** the first node's address, for --bootstrap */
  bootstrap: string
  nodes: TestnetNode[]
  /** kills every node still running and removes every data dir; safe to call twice */
  stop: () => Promise<void>
}

export interface TestnetInit {
  nodes: number
  /** vault space per node (default 256MiB) */
  space?: string
  /** vault space of node i, overriding `space` */
  spaceOf?: (index: number) => string | undefined
  /** wait until every node's DHT routing table lists every other node (default true) */
  waitForMesh?: boolean
  /** first host octet: nodes get 127.0.0.<firstHost + i> (default 2) */
  firstHost?: number
  /** how long one node may take to print its addresses (default 20 s) */
  startTimeoutMs?: number
}

export async function createTestnet (init: TestnetInit): Promise<Testnet> {
  const nodes: TestnetNode[] = []
  const children: ChildProcess[] = []
  const dirs: string[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(async child => { await kill(child) }))
    await Promise.all(dirs.map(async dir => { await rm(dir, { recursive: true, force: true, maxRetries: 3 }) }))
    children.length = 0
    dirs.length = 0
  }
  try {
    for (let i = 0; i < init.nodes; i++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'shoal-testnet-'))
      dirs.push(dataDir)
      const args = nodeArgs({ dataDir, space: init.spaceOf?.(i) ?? init.space ?? '256MiB', host: `127.0.0.${(init.firstHost ?? 2) + i}`, bootstrap: nodes[0]?.address })
      const child = spawn(process.execPath, [shoalBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(child)
      const started = await firstJsonLine<NodeStarted>(child, { what: `shoal node ${i}`, timeoutMs: init.startTimeoutMs ?? 20_000, stderr: tail(child) })
      nodes.push({ peerId: started.peerId, address: started.addresses[0], api: started.api, dataDir, process: child })
    }
    if (init.waitForMesh !== false) await waitForMesh(nodes, init.startTimeoutMs ?? 20_000)
  } catch (err) {
    await stop()
    throw err
  }
  return { bootstrap: nodes[0].address, nodes, stop }
}

/** The status a node's API reports (GET /v1/status). */
export async function nodeStatus (node: Pick<TestnetNode, 'api' | 'dataDir'>): Promise<{ routingTable: number, peers: number, store: { chunks: number, bytes: number, space: number } }> {
  const token = (await readFile(join(node.dataDir, 'api-token'), 'utf8')).trim()
  const res = await fetch(`${node.api}/v1/status`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) })
  if (!res.ok) throw new Error(`status of ${node.api}: HTTP ${res.status}`)
  return await res.json() as { routingTable: number, peers: number, store: { chunks: number, bytes: number, space: number } }
}

// Placement is only "the r closest" if everyone knows everyone: wait for full tables.
async function waitForMesh (nodes: TestnetNode[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (true) {
    const tables = await Promise.all(nodes.map(async node => (await nodeStatus(node).catch(() => null))?.routingTable ?? 0))
    if (tables.every(size => size >= Math.min(nodes.length - 1, 20))) return
    if (Date.now() > deadline) throw new Error(`routing tables not filled within ${timeoutMs} ms: ${tables.join(', ')}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

/** The last 8 KiB a node wrote to stderr (read all along, so a chatty node never blocks on a full pipe). */
function tail (child: ChildProcess): () => string {
  let text = ''
  child.stderr?.on('data', (d: Buffer) => { text = (text + d.toString()).slice(-8192) })
  return () => text
}

/** SIGTERM (a clean stop) or `signal`, then SIGKILL if it has not gone within 5 s; its exit code. */
export const kill = stopChild
