// `npm run demo`: a 5-node testnet of real `shoal node` processes on 127.0.0.2–6; a
// generated 64 MiB file (half random, half text) is put through node 1's daemon and got
// back through node 4's, the bytes are checked, and the URI and both speeds printed.
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, openSync, readFileSync, rmSync, writeSync, fsyncSync, closeSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { shoalBin, startTestnet } from './testnet.js'

const MiB = 1024 * 1024
const NODES = 5

function shoal (...args: string[]): { stdout: string, seconds: number } {
  const started = performance.now()
  const r = spawnSync(process.execPath, [shoalBin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  if (r.status !== 0) throw new Error(`shoal ${args[0]} exited with ${r.status}`)
  return { stdout: r.stdout, seconds: (performance.now() - started) / 1000 }
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
const net = await startTestnet({ nodes: NODES, dataDir: i => join(work, `node-${i}`), space: () => '1GiB', replicas: 3 })
try {
  const { nodes } = net
  console.log(`testnet: ${NODES} nodes up in ${((performance.now() - started) / 1000).toFixed(1)} s, bootstrap ${net.bootstrap}`)
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
  await net.stop()
  rmSync(work, { recursive: true, force: true })
}
