// createTestnet: N real `shoal node` processes on 127.0.0.x (@shoal/cli's startTestnet),
// one temp data dir each, the first the bootstrap of the rest. stop() kills them all and
// removes the dirs. With `netns: true` (root only: check netnsUnavailable() first) each
// node runs in its own network namespace on 198.18.0.x, and `lab` cuts and heals the
// network between groups of them.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startNetnsTestnet, startTestnet, stopChild, type NetnsTestnet, type NodeExit, type StopMode, type TestnetNode } from '@shoal/cli'

export type { TestnetNode }

export interface Testnet {
  /** the first node's address, for --bootstrap */
  bootstrap: string
  nodes: TestnetNode[]
  /** kills every node still running and removes every data dir (and the namespaces); safe to call twice */
  stop: () => Promise<void>
  /** one more node, joining through `bootstrap` (default node 0), with a fresh data dir */
  add: (options?: { bootstrap?: string }) => Promise<TestnetNode>
  /** stops node i (default: at once, no drain) */
  stopNode: (index: number, mode?: StopMode) => Promise<NodeExit>
  /** starts a stopped or dead node again from its data dir */
  startNode: (index: number) => Promise<TestnetNode>
  restartNode: (index: number) => Promise<TestnetNode>
  /** with `netns`: the namespaces, to cut and heal */
  lab?: NetnsTestnet['lab']
  /** with `netns`: runs `shoal ARGS` inside node i's namespace */
  shoalIn?: NetnsTestnet['shoal']
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
  /** how long one node may take to print its addresses, and all to mesh (default 20 s) */
  startTimeoutMs?: number
  /** further `shoal node` flags for every node */
  nodeFlags?: string[]
  /** each node in its own network namespace (needs root) */
  netns?: boolean
}

export async function createTestnet (init: TestnetInit): Promise<Testnet> {
  const dirs: string[] = []
  const removeDirs = async (): Promise<void> => {
    await Promise.all(dirs.splice(0).map(async dir => { await rm(dir, { recursive: true, force: true, maxRetries: 3 }) }))
  }
  try {
    const options = {
      nodes: init.nodes,
      dataDir: async () => { const dir = await mkdtemp(join(tmpdir(), 'shoal-testnet-')); dirs.push(dir); return dir },
      space: (i: number) => init.spaceOf?.(i) ?? init.space ?? '256MiB',
      mesh: init.waitForMesh,
      startTimeoutMs: init.startTimeoutMs,
      meshTimeoutMs: init.startTimeoutMs,
      nodeFlags: init.nodeFlags,
      // a table one peer short on a busy machine fills on the nodes' next lookups: said, not fatal
      onMeshTimeout: (err: Error) => { console.log(`  testnet: ${err.message}; going on`) }
    }
    const spaced = init.netns === true ? await startNetnsTestnet(options) : undefined
    const net = spaced ?? await startTestnet({ ...options, firstHost: init.firstHost })
    return {
      bootstrap: net.bootstrap,
      nodes: net.nodes,
      stop: async () => { await net.stop(); await removeDirs() },
      add: net.add,
      stopNode: net.stopNode,
      startNode: net.startNode,
      restartNode: net.restartNode,
      lab: spaced?.lab,
      shoalIn: spaced?.shoal
    }
  } catch (err) {
    await removeDirs()
    // uvu says nothing of an error thrown in a before hook: say it here
    console.error(`  testnet did not start: ${(err as Error).stack ?? String(err)}`)
    throw err
  }
}

/** The status a node's API reports (GET /v1/status). */
export async function nodeStatus (node: Pick<TestnetNode, 'api' | 'dataDir'>): Promise<{ routingTable: number, peers: number, store: { chunks: number, bytes: number, space: number } }> {
  const token = (await readFile(join(node.dataDir, 'api-token'), 'utf8')).trim()
  const res = await fetch(`${node.api}/v1/status`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) })
  if (!res.ok) throw new Error(`status of ${node.api}: HTTP ${res.status}`)
  return await res.json() as { routingTable: number, peers: number, store: { chunks: number, bytes: number, space: number } }
}

/** SIGTERM (a clean stop) or `signal`, then SIGKILL if it has not gone within 5 s; its exit code. */
export const kill = stopChild
