// docker-compose.yml's network as real processes on loopback (this machine has no Docker
// engine): the bootstrap's and vaults' `shoal node` commands as the file gives them, the
// image's HEALTHCHECK, and the client service's check, with only what Docker provides
// swapped in: a loopback address for the container's, `localhost` for the service name
// `bootstrap`, and a data dir per node for the image's SHOAL_DATA volume.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { shoalBin } from './helpers/cli.js'
import { argList, composeText, execForm, finalInstruction, parseCompose, readDockerfile, repoRoot } from './helpers/compose.js'
import { startNode, type RunningNode } from './helpers/node.js'

// `localhost` resolves to 127.0.0.1: the bootstrap listens there, so the vaults reach it by name
const BOOTSTRAP_HOST = '127.0.0.1'
const VAULT_HOSTS = ['127.0.0.61', '127.0.0.62', '127.0.0.63']

interface Started { node: RunningNode, dataDir: string, port: string }

const compose = parseCompose(await composeText())
const dockerfile = await readDockerfile()
const work = await mkdtemp(join(tmpdir(), 'shoal-compose-'))
const started: Started[] = []
/** A compose service name → the address it has here (without a peer ID, as in the file). */
const serviceAddress = new Map<string, string>()

/** A service's arguments with this machine's addresses for the containers' (see the top). */
function onLoopback (args: string[], host: string): string[] {
  return args.map(arg => {
    if (/^\/ip4\/0\.0\.0\.0\/tcp\/\d+$/.test(arg)) return `/ip4/${host}/tcp/0`
    if (/^0\.0\.0\.0:\d+$/.test(arg)) return `${host}:0` // --metrics-listen
    const named = /^\/dns4\/([^/]+)\/tcp\/\d+$/.exec(arg)
    if (named !== null) {
      const address = serviceAddress.get(named[1])
      if (address === undefined) throw new Error(`${arg}: service ${named[1]} is not running here`)
      return address
    }
    return arg
  })
}

async function startService (name: string, host: string): Promise<Started> {
  const command = argList(compose.services[name].command)
  assert.is(command[0], 'node')
  const dataDir = await mkdtemp(join(work, `${name}-`))
  const node = await startNode(onLoopback(command.slice(1), host), { env: { SHOAL_DATA: dataDir }, timeoutMs: 60_000 })
  const port = /\/tcp\/(\d+)\//.exec(node.addresses[0])?.[1]
  assert.ok(port !== undefined, node.addresses.join(' '))
  const service = { node, dataDir, port }
  started.push(service)
  return service
}

/** Runs a command of the image (`/app/...` is this repository, `node` this Node, `shoal` bin/shoal.js). */
async function runInImage (args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const [bin, ...rest] = args.map(arg => arg.startsWith('/app/') ? join(repoRoot, arg.slice('/app/'.length)) : arg)
  assert.is(bin, 'node')
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, rest, { env: { ...process.env, SHOAL_BIN: shoalBin, ...env }, stdio: ['ignore', 'pipe', 'pipe'], signal: AbortSignal.timeout(timeoutMs) })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

const healthcheck = execForm(finalInstruction(dockerfile, 'HEALTHCHECK')!, 'CMD')
const clientCommand = [...argList(compose.services.client.entrypoint), ...argList(compose.services.client.command)]

test.after(async () => {
  await Promise.all(started.map(async s => await s.node.stop()))
  await rm(work, { recursive: true, force: true, maxRetries: 3 })
})

test('the compose network\'s commands carry the client\'s file from the bootstrap to a vault, bytes equal', async () => {
  const bootstrap = await startService('bootstrap', BOOTSTRAP_HOST)
  serviceAddress.set('bootstrap', `/dns4/localhost/tcp/${bootstrap.port}`)
  // each vault joins through /dns4/localhost/tcp/<port>: a DNS name and no peer ID, as in the file
  const vaults = await Promise.all(VAULT_HOSTS.map(async host => await startService('vault', host)))
  serviceAddress.set('vault', `/ip4/${VAULT_HOSTS[1]}/tcp/${vaults[1].port}`)
  for (const service of started) {
    const check = await runInImage(healthcheck, { SHOAL_DATA: service.dataDir }, 15_000)
    assert.is(check.code, 0, `health check of ${service.dataDir}: ${check.stdout}${check.stderr}`)
    assert.is(check.stdout.trim(), '200 {"status":"ok"}')
  }
  const client = await runInImage(onLoopback(clientCommand, BOOTSTRAP_HOST), {}, 240_000)
  assert.is(client.code, 0, `client: ${client.stdout}\n${client.stderr}`)
  assert.match(client.stdout, /^put via \/dns4\/localhost\/tcp\/\d+ in /m)
  assert.match(client.stdout, /^the bytes are the same$/m)
})

test('GET /healthz needs no token and tells nothing more; every other route still wants one', async () => {
  const { node } = started[1]
  const health = await fetch(`${node.api}/healthz`, { signal: AbortSignal.timeout(5_000) })
  assert.is(health.status, 200)
  assert.equal(await health.json(), { status: 'ok' })
  const head = await fetch(`${node.api}/healthz`, { method: 'HEAD', signal: AbortSignal.timeout(5_000) })
  assert.is(head.status, 200)
  for (const path of ['/v1/status', '/metrics', '/nothing-here']) {
    const res = await fetch(`${node.api}${path}`, { signal: AbortSignal.timeout(5_000) })
    assert.is(res.status, 401, path)
  }
})

test('the health check fails once the node has stopped', async () => {
  const vault = started[started.length - 1]
  assert.is(await vault.node.stop(), 0)
  const check = await runInImage(healthcheck, { SHOAL_DATA: vault.dataDir }, 15_000)
  assert.is(check.code, 1, check.stdout)
  assert.match(check.stdout, /^unhealthy: /)
})

test('the client exits 1 naming the step when no node answers, and 2 on a flag it does not take', async () => {
  const dead = await runInImage(['node', '/app/deploy/client.mjs', '--put-via', '/ip4/127.0.0.1/tcp/9', '--get-via', '/ip4/127.0.0.1/tcp/9', '--mib', '1', '--attempts', '1'], {}, 60_000)
  assert.is(dead.code, 1, dead.stderr)
  assert.match(dead.stderr, /client: put via \/ip4\/127\.0\.0\.1\/tcp\/9 failed \(try 1 of 1\): .*ERR_BOOTSTRAP/)
  const usage = await runInImage(['node', '/app/deploy/client.mjs', '--put-via', 'x', '--get-via', 'y', '--size', '1'], {}, 10_000)
  assert.is(usage.code, 2)
  assert.match(usage.stderr, /--size/)
})

test.run()
