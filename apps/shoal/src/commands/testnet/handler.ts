import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { UsageError } from '../../errors.js'
import { withInterrupt } from '../../interrupt.js'
import { println, type CommandIo } from '../../io.js'
import { netnsUnavailable } from '../../netns/ip.js'
import type { NetnsLab } from '../../netns/lab.js'
import { startNetnsTestnet } from '../../netns/testnet.js'
import { parseNodeSpace } from '../node/space.js'
import { startTestnet, type NodeExit, type Testnet, type TestnetInit, type TestnetNode } from '../../testnet.js'
import { describeNode, runPromptLine } from './prompt.js'

export interface TestnetFlags { nodes: string, space: string, replicas: string, firstHost: string, logLevel: string, json?: boolean, netns?: boolean }

/** --netns asked for namespaces this machine or user cannot make. */
export class NetnsUnavailableError extends Error {
  static readonly code = 'ERR_NETNS_UNAVAILABLE'
  readonly code = NetnsUnavailableError.code
  override name = 'NetnsUnavailableError'
}

/** How many of a dead node's last stderr lines are shown. */
const LAST_WORDS = 5

/**
 * Starts N `shoal node` processes (node 0 the bootstrap of the rest), each with its own
 * temp data dir, prints the bootstrap address, then takes commands on stdin (status,
 * stop/kill/start/restart N, add, cut/heal) until SIGINT/SIGTERM or `quit`, when it stops
 * them all and removes the dirs. A node that dies is reported; the rest run on.
 */
export async function testnetHandler (flags: TestnetFlags, io: CommandIo): Promise<void> {
  const count = Number(flags.nodes)
  if (!Number.isInteger(count) || count < 1 || count > 200) throw new UsageError(`--nodes: '${flags.nodes}' is not a whole number from 1 to 200`)
  const firstHost = Number(flags.firstHost)
  if (!Number.isInteger(firstHost) || firstHost < 1 || firstHost + count - 1 > 254) throw new UsageError(`--first-host: '${flags.firstHost}' leaves no room for ${count} nodes on 127.0.0.x`)
  parseNodeSpace(flags.space) // the nodes check it too; fail here, once, before starting any
  const replicas = Number(flags.replicas)
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > count) throw new UsageError(`--replicas: '${flags.replicas}' is not a whole number from 1 to the ${count} nodes`)
  if (flags.netns === true) {
    const reason = await netnsUnavailable()
    if (reason !== null) throw new NetnsUnavailableError(`--netns: ${reason}`)
  }

  const json = flags.json === true
  const say = (text: string[], object: unknown): void => {
    if (json) println(io.stdout, JSON.stringify(object))
    else for (const line of text) println(io.stdout, line)
  }
  const work = await mkdtemp(join(tmpdir(), 'shoal-testnet-'))
  let net: Testnet | undefined
  let lab: NetnsLab | undefined
  let meshWarning: string | undefined
  try {
    await withInterrupt(io, async signal => {
      const started = performance.now()
      const init: TestnetInit = {
        nodes: count,
        dataDir: i => join(work, `node-${i}`),
        space: () => flags.space,
        firstHost,
        replicas,
        logLevel: flags.logLevel,
        // the nodes' logs share our stderr, a line at a time, each line saying whose
        onSpawn: (child, i) => { forwardStderr(child, i, io) },
        onDeath: (node, exit) => { reportDeath(node, exit, net, say) },
        // every node is up and serving; a table short of a peer or two fills as they talk
        onMeshTimeout: err => { meshWarning = `not every routing table lists every peer yet: ${err.message}` },
        signal
      }
      if (flags.netns === true) {
        const spaced = await startNetnsTestnet(init)
        lab = spaced.lab
        net = spaced
      } else {
        net = await startTestnet(init)
      }
      const seconds = (performance.now() - started) / 1000
      const nodes = net.nodes.map(describeNode)
      if (json) {
        println(io.stdout, JSON.stringify({ bootstrap: net.bootstrap, replicas, seconds, warning: meshWarning, namespaces: lab !== undefined ? net.nodes.map(n => lab?.namespaceOf(n.index)) : undefined, nodes }))
      } else {
        println(io.stdout, nodes[0].address)
        println(io.stdout, nodes[0].api)
        println(io.stderr, `${count} node${count === 1 ? '' : 's'} up in ${seconds.toFixed(1)} s (data in ${work})`)
        if (meshWarning !== undefined) println(io.stderr, `warning: ${meshWarning}`)
        if (lab !== undefined) {
          println(io.stderr, `each node in its own network namespace (${lab.namespaceOf(0)}…), on 198.18.0.x; reach them from inside one: ip netns exec ${lab.namespaceOf(0)} shoal put FILE --data ${nodes[0].dataDir}`)
        } else {
          println(io.stderr, `try: shoal put FILE --bootstrap ${nodes[0].address}`)
          println(io.stderr, `node 0's HTTP API is ${nodes[0].api} (token in ${join(net.nodes[0].dataDir, 'api-token')}); or: shoal put FILE --data ${net.nodes[0].dataDir}`)
        }
        println(io.stderr, 'commands: status, stop N, kill N, start N, restart N, add, help, quit; Ctrl-C stops them all and removes their data')
      }
      await prompt(net, lab, io, say, signal)
    }).catch(err => {
      // Ctrl-C is how a testnet is meant to end
      if ((err as { code?: string }).code !== 'ERR_INTERRUPTED' || net === undefined) throw err
    })
  } finally {
    await net?.stop()
    await rm(work, { recursive: true, force: true, maxRetries: 3 })
  }
}

/** Reads commands until `quit` or the signal; stdin at its end leaves the testnet running. */
async function prompt (net: Testnet, lab: NetnsLab | undefined, io: CommandIo, say: (text: string[], json: unknown) => void, signal: AbortSignal): Promise<void> {
  const input = io.stdin !== undefined ? Readable.from(io.stdin) : process.stdin
  const lines = createInterface({ input, terminal: false })
  const stopped = new Promise<void>(resolve => signal.addEventListener('abort', () => resolve(), { once: true }))
  let quit: () => void = () => {}
  const quitted = new Promise<void>(resolve => { quit = resolve })
  let queue = Promise.resolve()
  lines.on('line', line => {
    // one command at a time, in the order typed
    queue = queue.then(async () => {
      try {
        const result = await runPromptLine(line, { net, lab })
        if (result === null) return
        if (result.quit === true) quit()
        else say(result.text, result.json)
      } catch (err) {
        const { message, code } = err as { message: string, code?: string }
        say([`error: ${message}`], { error: { message, code } })
      }
    })
  })
  try {
    await Promise.race([stopped, quitted])
  } finally {
    lines.close()
    if (input === process.stdin) process.stdin.destroy()
    await queue
  }
}

function reportDeath (node: TestnetNode, exit: NodeExit, net: Testnet | undefined, say: (text: string[], json: unknown) => void): void {
  const how = exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code}`
  const running = net?.nodes.filter(n => n.state === 'running').length ?? 0
  const last = node.stderr().trim().split('\n').filter(l => l.trim() !== '').slice(-LAST_WORDS)
  say([`node ${node.index} died (${how}); ${running} node${running === 1 ? '' : 's'} still running (start ${node.index} starts it again)`, ...last.map(l => `  node ${node.index}: ${l}`)],
    { died: { index: node.index, code: exit.code, signal: exit.signal, running, stderr: last } })
}

/** Copies the node's stderr to ours, each line saying whose. */
function forwardStderr (child: ChildProcess, index: number, io: CommandIo): void {
  if (child.stderr !== null) createInterface({ input: child.stderr, terminal: false }).on('line', line => { io.stderr.write(`node ${index}: ${line}\n`) })
}
