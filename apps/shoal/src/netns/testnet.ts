// A testnet whose nodes each run in their own network namespace of a NetnsLab, so the
// network between groups of them can be cut and healed. The host cannot reach into the
// namespaces: everything that talks to a node (the mesh wait, a put, a get, a check) runs
// as `ip netns exec NS shoal …` inside one.
import { spawn, type ChildProcess } from 'node:child_process'
import { shoalBin, startTestnet, type Testnet, type TestnetInit } from '../testnet.js'
import { createNetnsLab, type NetnsLab } from './lab.js'
import { statusesIn } from './status-in.js'

export interface NetnsTestnet extends Testnet {
  lab: NetnsLab
  /** Runs `shoal ARGS` inside node i's namespace (its own data dir is the caller's to pass). */
  shoal: (index: number, args: string[], options?: { timeoutMs?: number }) => Promise<ShoalResult>
  /** Stops every node, then removes every namespace and link. */
  stop: () => Promise<void>
}

export interface ShoalResult { code: number | null, stdout: string, stderr: string }

/** Starts the testnet in a fresh lab (init.host and init.prepare are the lab's); the lab goes with stop(), or at once if the start fails. */
export async function startNetnsTestnet (init: Omit<TestnetInit, 'host' | 'prepare' | 'firstHost'>): Promise<NetnsTestnet> {
  const lab = await createNetnsLab()
  const inNamespace = (index: number, args: string[], stdio: 'pipe' | 'inherit'): ChildProcess => {
    const [command, ...argv] = lab.command(index, [process.execPath, ...process.execArgv, shoalBin, ...args])
    return spawn(command, argv, { stdio: ['ignore', 'pipe', stdio] })
  }
  const shoal = async (index: number, args: string[], options: { timeoutMs?: number } = {}): Promise<ShoalResult> => await runToEnd(inNamespace(index, args, 'pipe'), options.timeoutMs ?? 120_000)
  try {
    const net = await startTestnet({
      ...init,
      host: lab.hostOf,
      prepare: lab.addNode,
      spawn: init.spawn ?? ((args, index) => inNamespace(index, args, 'pipe')),
      // each ask is a process: asked less often, so as not to take the cores the nodes
      // need to identify each other (a node that misses one keeps it out of its table)
      meshPollMs: init.meshPollMs ?? 1_000,
      // asked from a running node's namespace: before any cut, it reaches them all
      routingTables: init.routingTables ?? (async nodes => {
        const from = nodes.find(n => n.state === 'running')?.index ?? 0
        return (await statusesIn(lab, from, nodes)).map(status => status?.routingTable ?? 0)
      })
    })
    return { ...net, lab, shoal, stop: async () => { try { await net.stop() } finally { await lab.destroy() } } }
  } catch (err) {
    await lab.destroy()
    throw err
  }
}

/** Its exit code and all it printed; SIGKILL after `timeoutMs`. */
async function runToEnd (child: ChildProcess, timeoutMs: number): Promise<ShoalResult> {
  return await new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout?.on('data', d => { stdout += d })
    child.stderr?.on('data', d => { stderr += d })
    child.on('error', err => { clearTimeout(timer); reject(err) })
    child.on('close', code => { clearTimeout(timer); resolve({ code, stdout, stderr }) })
  })
}
