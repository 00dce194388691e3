// Asks nodes' HTTP APIs for their status from inside a namespace, where the host cannot
// reach: one small `node` process there (tens of milliseconds, where a `shoal status`
// per node costs a core a third of a second each), the URLs and tokens on its stdin.
import { spawn } from 'node:child_process'
import { readApiToken } from '../daemon/api-files.js'
import type { NetnsLab } from './lab.js'

const SCRIPT = `
let input = ''
for await (const d of process.stdin) input += d
const { targets, timeoutMs } = JSON.parse(input)
const signal = AbortSignal.timeout(timeoutMs)
const answers = await Promise.all(targets.map(async t => {
  try {
    const res = await fetch(t.url + '/v1/status', { headers: { authorization: 'Bearer ' + t.token }, signal })
    return res.ok ? await res.json() : null
  } catch { return null }
}))
process.stdout.write(JSON.stringify(answers))
`

/** What GET /v1/status answers, as far as the testnet reads it. */
export interface NodeStatus { routingTable: number, peers: number, store: { chunks: number, bytes: number } }

/** Each node's status, asked from inside namespace `from`; null for one that does not answer within `timeoutMs`. */
export async function statusesIn (lab: NetnsLab, from: number, nodes: Array<{ api: string, dataDir: string }>, timeoutMs = 5_000): Promise<Array<NodeStatus | null>> {
  const targets = await Promise.all(nodes.map(async n => ({ url: n.api, token: await readApiToken(n.dataDir).catch(() => '') })))
  const [command, ...argv] = lab.command(from, [process.execPath, '--input-type=module', '-e', SCRIPT])
  return await new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'] })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 5_000)
    let out = ''
    let err = ''
    child.stdout.on('data', d => { out += d })
    child.stderr.on('data', d => { err += d })
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(out) as Array<NodeStatus | null>)
      } catch {
        reject(new Error(`status of the nodes, asked in ${lab.namespaceOf(from)}, failed (exit ${code}): ${err.trim()}`))
      }
    })
    child.stdin.end(JSON.stringify({ targets, timeoutMs }))
  })
}
