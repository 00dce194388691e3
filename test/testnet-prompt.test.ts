// `shoal testnet --nodes 8` as a person trying churn by hand uses it (issue 15): one node
// killed with -9 is reported and the other 7 keep serving; the prompt stops, starts,
// restarts and adds nodes; and once it stops, none of its processes and none of its
// listening ports is left.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { shoal, shoalBin } from './helpers/cli.js'
import { kill, nodeStatus } from './helpers/testnet.js'

const FIRST_HOST = 60

interface NodeLine { index: number, state: string, pid: number | null, peerId: string, address: string, api: string, dataDir: string }

/** The 127.0.0.x addresses with a listening TCP socket, from /proc/net/tcp. */
function listeningHosts (): Set<string> {
  const hosts = new Set<string>()
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/)
    if (state !== '0A' || local === undefined) continue
    const hex = local.split(':')[0]
    hosts.add([3, 2, 1, 0].map(k => parseInt(hex.slice(k * 2, k * 2 + 2), 16)).join('.'))
  }
  return hosts
}

const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))

test('kill -9 of one of 8 nodes is reported and 7 keep serving; the prompt stops, starts, restarts and adds nodes; nothing is left once it stops', async () => {
  const work = await mkdtemp(join(tmpdir(), 'shoal-testnet-prompt-'))
  const child = spawn(process.execPath, [shoalBin, 'testnet', '--nodes', '8', '--first-host', String(FIRST_HOST), '--space', '64MiB', '--json'], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', d => { stderr = (stderr + d).slice(-8192) })
  const lines: unknown[] = []
  const waiting: Array<() => void> = []
  createInterface({ input: child.stdout }).on('line', line => { lines.push(JSON.parse(line)); for (const wake of waiting.splice(0)) wake() })
  /** The next line (after those already taken) with `key`, within `ms` (a busy machine starts 8 nodes slowly). */
  let taken = 0
  const next = async <T>(key: string, ms = 60_000): Promise<T> => {
    const deadline = Date.now() + ms
    while (true) {
      for (; taken < lines.length; taken++) {
        const line = lines[taken] as Record<string, unknown>
        if (key in line) { taken++; return line[key] as T }
      }
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no '${key}' line from the testnet (exit ${child.exitCode}): ${stderr}`)
      await new Promise<void>(resolve => { waiting.push(resolve); setTimeout(resolve, 1_000) })
    }
  }
  const ask = (line: string): void => { child.stdin.write(line + '\n') }
  const pids = new Set<number>()
  try {
    const nodes = await next<NodeLine[]>('nodes', 150_000)
    const { seconds, warning } = lines[0] as { seconds: number, warning?: string }
    console.log(`  shoal testnet --nodes 8: up in ${seconds.toFixed(1)} s${warning !== undefined ? ` (${warning})` : ''}`)
    assert.is(nodes.length, 8)
    for (const node of nodes) pids.add(node.pid as number)

    process.kill(nodes[3].pid as number, 'SIGKILL')
    const died = await next<{ index: number, signal: string, running: number }>('died')
    assert.equal([died.index, died.signal, died.running], [3, 'SIGKILL', 7])
    // the other 7 serve: each answers its API, and a file put through one comes back through another
    for (const node of nodes.filter(n => n.index !== 3)) assert.ok((await nodeStatus(node)).routingTable > 0, `node ${node.index}`)
    await writeFile(join(work, 'in.txt'), 'kept by the other seven\n')
    const put = await shoal(['put', join(work, 'in.txt'), '--data', nodes[1].dataDir])
    assert.is(put.code, 0, put.stderr)
    const uri = put.stdout.trim().split('\n').pop() as string
    const get = await shoal(['get', uri, '--data', nodes[7].dataDir, '-o', join(work, 'out.txt')])
    assert.is(get.code, 0, get.stderr)
    assert.is(await readFile(join(work, 'out.txt'), 'utf8'), 'kept by the other seven\n')

    ask('start 3')
    const started = await next<NodeLine>('started')
    assert.equal([started.index, started.state, started.peerId], [3, 'running', nodes[3].peerId])
    assert.ok(started.address.startsWith(`/ip4/127.0.0.${FIRST_HOST + 3}/tcp/`), started.address)
    pids.add(started.pid as number)
    assert.ok((await nodeStatus(started)).peers > 0)

    ask('restart 5')
    const restarted = await next<NodeLine>('restarted')
    assert.is(restarted.state, 'running')
    assert.is.not(restarted.pid, nodes[5].pid)
    assert.not.ok(alive(nodes[5].pid as number), 'the old node 5 is gone')
    pids.add(restarted.pid as number)

    ask('stop 2')
    assert.is((await next<NodeLine>('stopped')).state, 'stopped')
    assert.not.ok(alive(nodes[2].pid as number), 'node 2 is gone')

    ask('add')
    const added = await next<NodeLine>('added')
    assert.is(added.index, 8)
    pids.add(added.pid as number)

    ask('kill 9')
    assert.match((await next<{ message: string }>('error')).message, /no node|0 to 8/)

    ask('status')
    const status = await next<{ running: number, nodes: NodeLine[] }>('status')
    assert.is(status.running, 8)
    assert.equal(status.nodes.map(n => n.state), ['running', 'running', 'stopped', 'running', 'running', 'running', 'running', 'running', 'running'])
    // no 'died' line for what the prompt stopped
    assert.not.ok(lines.slice(2).some(line => 'died' in (line as object)), JSON.stringify(lines))

    ask('quit')
    assert.is(await new Promise(resolve => child.once('exit', resolve)), 0, stderr)
    assert.equal([...pids].filter(alive), [], 'node processes left behind')
    const hosts = Array.from({ length: 9 }, (_, i) => `127.0.0.${FIRST_HOST + i}`)
    const listening = listeningHosts()
    assert.equal(hosts.filter(h => listening.has(h)), [], 'ports still listening')
    for (const node of nodes) assert.not.ok(existsSync(node.dataDir), node.dataDir)
  } finally {
    await kill(child)
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL')
    await rm(work, { recursive: true, force: true })
  }
})

test.run()
