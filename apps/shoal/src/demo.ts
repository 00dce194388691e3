// `npm run demo`: a 5-node testnet of real `shoal node` processes on 127.0.0.2–6; a
// generated 64 MiB file (half random, half text) is put through node 1's daemon and got
// back through node 4's, the bytes are checked, and the URI and both speeds printed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, openSync, readFileSync, rmSync, writeSync, fsyncSync, closeSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../../bin/shoal.js', import.meta.url))
const MiB = 1024 * 1024
const NODES = 5

interface TestnetNode { peerId: string, address: string, api: string, dataDir: string }

function shoal (...args: string[]): { stdout: string, seconds: number } {
  const started = performance.now()
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  if (r.status !== 0) throw new Error(`shoal ${args[0]} exited with ${r.status}`)
  return { stdout: r.stdout, seconds: (performance.now() - started) / 1000 }
}

async function startTestnet (): Promise<{ child: ChildProcess, nodes: TestnetNode[] }> {
  const child = spawn(process.execPath, [bin, 'testnet', '--nodes', String(NODES), '--space', '1GiB', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  const nodes = await new Promise<TestnetNode[]>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString()
      const end = stdout.indexOf('\n')
      if (end >= 0) resolve((JSON.parse(stdout.slice(0, end)) as { nodes: TestnetNode[] }).nodes)
    })
    child.once('exit', code => reject(new Error(`shoal testnet exited with ${code}`)))
  })
  return { child, nodes }
}

async function stop (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise<void>(resolve => {
    child.once('exit', () => resolve())
    child.kill('SIGINT') // the testnet stops its nodes and removes their data
  })
}

function writeInput (path: string): number {
  const words = 'shoal vault chunk peer cipher manifest capability replica holder swarm verify repair'.split(' ')
  const text: string[] = []
  for (let n = 0; n < 32 * MiB;) { const w = words[(n * 7919) % words.length] + ((n % 97) === 0 ? '\n' : ' '); text.push(w); n += w.length }
  const fd = openSync(path, 'w')
  writeSync(fd, randomBytes(32 * MiB))
  writeSync(fd, Buffer.from(text.join('')).subarray(0, 32 * MiB))
  fsyncSync(fd) // so the put is not also paying for this file's writeback
  closeSync(fd)
  return statSync(path).size
}

const work = mkdtempSync(join(tmpdir(), 'shoal-demo-'))
const started = performance.now()
const { child, nodes } = await startTestnet()
try {
  console.log(`testnet: ${NODES} nodes up in ${((performance.now() - started) / 1000).toFixed(1)} s, bootstrap ${nodes[0].address}`)
  const input = join(work, 'demo.bin')
  const size = writeInput(input)
  const [, putNode, , , getNode] = nodes

  const put = shoal('put', input, '--data', putNode.dataDir, '--json')
  const { uri, chunks, storedBytes } = JSON.parse(put.stdout.trim().split('\n').pop() as string)
  const output = join(work, 'demo.out')
  const get = shoal('get', uri, '--data', getNode.dataDir, '-o', output, '--json')

  const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')
  const ok = sha(input) === sha(output)
  const mbps = (s: number): string => `${(size / 1e6 / s).toFixed(0)} MB/s`
  console.log(`uri:     ${uri}`)
  console.log(`size:    ${(size / MiB).toFixed(1)} MiB in ${chunks} chunks, ${(storedBytes / MiB).toFixed(1)} MiB sealed (compressed, encrypted), 3 copies each`)
  console.log(`put:     ${put.seconds.toFixed(2)} s, ${mbps(put.seconds)} through node 1 (${putNode.api})`)
  console.log(`get:     ${get.seconds.toFixed(2)} s, ${mbps(get.seconds)} through node 4 (${getNode.api})`)
  console.log(`sha256:  ${ok ? 'equal' : 'DIFFERENT'}`)
  process.exitCode = ok ? 0 : 1
} finally {
  await stop(child)
  rmSync(work, { recursive: true, force: true })
}
