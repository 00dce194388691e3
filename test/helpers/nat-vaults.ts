// Real `shoal node` vaults in the NAT lab (apps/shoal/src/netns/nat-lab.ts) for the NAT
// tests: started in a host's namespace, their log kept, their /v1/status read from inside
// that namespace (where the test process cannot reach), and stopped. Every wait is bounded
// generously: the NAT tests run on shared, loaded machines.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { firstJsonLine, nodeArgs, shoalBin, stopChild, type Home, type LabHost, type NatLab, type NodeStarted } from '@shoal/cli'

/** The lab's "internet", which libp2p counts as private: every node is told it is public. */
export const LAB_PUBLIC_RANGE = '198.18.0.0/16'
export const VAULT_PORT = 4001

export interface LabVault {
  name: string
  host: LabHost
  home?: Home
  dataDir: string
  child: ChildProcess
  started: NodeStarted
  /** all it wrote on stderr (its log) */
  log: () => string
}

export interface LabVaultInit {
  name: string
  host: LabHost
  home?: Home
  /** where its data dir is made (under `work`), unless `dataDir` names one to reuse */
  work: string
  dataDir?: string
  bootstrap?: string
  /** further `shoal node` flags, e.g. ['--no-upnp'] */
  flags?: string[]
  /** added to its environment, e.g. { DEBUG: 'shoal:node:punch' } (debug lines land in its log) */
  env?: NodeJS.ProcessEnv
}

/** `shoal node` in the host's namespace on port 4001, told the lab range is public; once it printed its start line. */
export async function startLabVault (lab: NatLab, init: LabVaultInit): Promise<LabVault> {
  const dir = init.dataDir ?? await mkdtemp(join(init.work, `${init.name}-`))
  const args = nodeArgs({ dataDir: dir, space: '256MiB', host: init.host.address, port: VAULT_PORT, bootstrap: init.bootstrap, extra: ['--public-ranges', LAB_PUBLIC_RANGE, ...init.flags ?? []] })
  const [command, ...argv] = lab.command(init.host, [process.execPath, shoalBin, ...args])
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...init.env } })
  let log = ''
  child.stderr?.on('data', d => { log += d })
  try {
    const started = await firstJsonLine<NodeStarted>(child, { what: `vault ${init.name}`, timeoutMs: 60_000, stderr: () => log })
    return { name: init.name, host: init.host, home: init.home, dataDir: dir, child, started, log: () => log }
  } catch (err) {
    await stopChild(child, 'SIGKILL', 5_000)
    throw err
  }
}

/** Kills the vault (no drain); done at once if it is gone already, however it ended. */
export async function stopLabVault (vault: LabVault): Promise<void> {
  await stopChild(vault.child, 'SIGKILL', 5_000)
}

/** `argv` run to its end in `host`'s namespace, killed after `timeoutMs`; its stdout, or an error with its stderr. */
export async function runIn (lab: NatLab, host: LabHost, argv: string[], what: string, options: { timeoutMs?: number, env?: NodeJS.ProcessEnv, input?: string, stderr?: (text: string) => void } = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 60_000
  const [command, ...rest] = lab.command(host, argv)
  return await new Promise((resolve, reject) => {
    const child = spawn(command, rest, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } })
    let killed = false
    const timer = setTimeout(() => { killed = true; child.kill('SIGKILL') }, timeoutMs)
    let out = ''
    let err = ''
    child.stdout.on('data', d => { out += d })
    child.stderr.on('data', d => { err += d })
    child.on('error', e => { clearTimeout(timer); reject(e) })
    child.on('close', code => {
      clearTimeout(timer)
      options.stderr?.(err)
      if (code === 0) resolve(out)
      else reject(new Error(`${what}: ${killed ? `killed after ${timeoutMs / 1000} s` : `exit ${code}`}: ${err.trim()}`))
    })
    child.stdin.end(options.input ?? '')
  })
}

// A bare `node` asking the API (a `shoal status` costs a core much more, which a loaded machine has not)
const STATUS_SCRIPT = `
let input = ''
for await (const d of process.stdin) input += d
const { url, token } = JSON.parse(input)
const res = await fetch(url + '/v1/status', { headers: { authorization: 'Bearer ' + token }, signal: AbortSignal.timeout(30000) })
if (!res.ok) throw new Error('status ' + res.status)
process.stdout.write(await res.text())
`

/** The vault's GET /v1/status, asked from inside its namespace. */
export async function statusOf<T> (lab: NatLab, vault: LabVault): Promise<T> {
  const token = (await readFile(join(vault.dataDir, 'api-token'), 'utf8')).trim()
  const out = await runIn(lab, vault.host, [process.execPath, '--input-type=module', '-e', STATUS_SCRIPT], `the status of ${vault.name}`, { input: JSON.stringify({ url: vault.started.api, token }) })
  return JSON.parse(out) as T
}

/**
 * Each vault's status once `done` holds for all, or the last seen after `timeoutMs`
 * (the caller's asserts then say what is wrong). A status that could not be read counts
 * as not done yet.
 */
export async function settleStatuses<T> (lab: NatLab, vaults: LabVault[], done: (vault: LabVault, status: T) => boolean, timeoutMs: number): Promise<Map<LabVault, T>> {
  const deadline = Date.now() + timeoutMs
  const seen = new Map<LabVault, T>()
  for (;;) {
    await Promise.all(vaults.map(async vault => {
      try { seen.set(vault, await statusOf<T>(lab, vault)) } catch {}
    }))
    if (vaults.every(v => seen.has(v) && done(v, seen.get(v)!)) || Date.now() > deadline) return seen
    await new Promise(resolve => setTimeout(resolve, 2_000))
  }
}
