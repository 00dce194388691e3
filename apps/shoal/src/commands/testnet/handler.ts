import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UsageError } from '../../errors.js'
import { withInterrupt } from '../../interrupt.js'
import { println, type CommandIo } from '../../io.js'
import { parseNodeSpace } from '../node/space.js'
import { NodeExitedError, shoalBin, startTestnet, type Testnet } from '../../testnet.js'

export interface TestnetFlags { nodes: string, space: string, replicas: string, firstHost: string, logLevel: string, json?: boolean }

/**
 * Starts N `shoal node` processes (node 0 the bootstrap of the rest), each with its own
 * temp data dir, prints the bootstrap address, and on SIGINT/SIGTERM stops them all and
 * removes the dirs.
 */
export async function testnetHandler (flags: TestnetFlags, io: CommandIo): Promise<void> {
  const count = Number(flags.nodes)
  if (!Number.isInteger(count) || count < 1 || count > 200) throw new UsageError(`--nodes: '${flags.nodes}' is not a whole number from 1 to 200`)
  const firstHost = Number(flags.firstHost)
  if (!Number.isInteger(firstHost) || firstHost < 1 || firstHost + count - 1 > 254) throw new UsageError(`--first-host: '${flags.firstHost}' leaves no room for ${count} nodes on 127.0.0.x`)
  parseNodeSpace(flags.space) // the nodes check it too; fail here, once, before starting any
  const replicas = Number(flags.replicas)
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > count) throw new UsageError(`--replicas: '${flags.replicas}' is not a whole number from 1 to the ${count} nodes`)

  const work = await mkdtemp(join(tmpdir(), 'shoal-testnet-'))
  let net: Testnet | undefined
  try {
    await withInterrupt(io, async signal => {
      net = await startTestnet({
        nodes: count,
        dataDir: i => join(work, `node-${i}`),
        space: () => flags.space,
        firstHost,
        replicas,
        logLevel: flags.logLevel,
        // the nodes run with this process's node flags (those of the `shoal` executable's
        // shebang), and say what goes wrong on our stderr
        spawn: args => spawn(process.execPath, [...process.execArgv, shoalBin, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }),
        signal
      })
      const nodes = net.nodes.map(node => ({ peerId: node.peerId, address: node.address, api: node.api, dataDir: node.dataDir }))
      if (flags.json === true) {
        println(io.stdout, JSON.stringify({ bootstrap: net.bootstrap, replicas, nodes }))
      } else {
        println(io.stdout, nodes[0].address)
        println(io.stdout, nodes[0].api)
        println(io.stderr, `${count} node${count === 1 ? '' : 's'} up (data in ${work}); try: shoal put FILE --bootstrap ${nodes[0].address}`)
        println(io.stderr, `node 0's HTTP API is ${nodes[0].api} (token in ${join(nodes[0].dataDir, 'api-token')}); or: shoal put FILE --data ${nodes[0].dataDir}`)
        println(io.stderr, 'Ctrl-C stops them all and removes their data')
      }
      const died = new Promise<NodeExitedError>(resolve => {
        for (const node of net?.nodes ?? []) node.process.once('exit', code => { resolve(new NodeExitedError(node.index, code)) })
      })
      const stopped = new Promise<null>(resolve => signal.addEventListener('abort', () => resolve(null), { once: true }))
      const death = await Promise.race([stopped, died])
      if (death !== null) throw death
    }).catch(err => {
      // Ctrl-C is how a testnet is meant to end
      if ((err as { code?: string }).code !== 'ERR_INTERRUPTED' || net === undefined) throw err
    })
  } finally {
    await net?.stop()
    await rm(work, { recursive: true, force: true, maxRetries: 3 })
  }
}
