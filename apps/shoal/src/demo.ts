// `npm run demo`: a generated 64 MiB file (half random, half text) goes through the real
// CLI into a local vault and back, and we check the bytes and report the speeds.
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../../bin/shoal.js', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'shoal-demo-'))
const MiB = 1024 * 1024

function shoal (...args: string[]): { stdout: string, seconds: number } {
  const started = performance.now()
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  if (r.status !== 0) throw new Error(`shoal ${args[0]} exited with ${r.status}`)
  return { stdout: r.stdout, seconds: (performance.now() - started) / 1000 }
}

try {
  const input = join(work, 'demo.bin')
  const words = 'shoal vault chunk peer cipher manifest capability replica holder swarm verify repair'.split(' ')
  const text: string[] = []
  for (let n = 0; n < 32 * MiB;) { const w = words[(n * 7919) % words.length] + ((n % 97) === 0 ? '\n' : ' '); text.push(w); n += w.length }
  writeFileSync(input, Buffer.concat([randomBytes(32 * MiB), Buffer.from(text.join('')).subarray(0, 32 * MiB)]))
  const size = statSync(input).size
  const common = ['--vault', join(work, 'vault'), '--data', join(work, 'data')]

  const put = shoal('put', input, ...common, '--json')
  const { uri, chunks, storedBytes } = JSON.parse(put.stdout.trim().split('\n').pop() as string)
  const output = join(work, 'demo.out')
  const get = shoal('get', uri, '-o', output, ...common, '--json')

  const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')
  const ok = sha(input) === sha(output)
  const mbps = (s: number): string => `${(size / 1e6 / s).toFixed(0)} MB/s`
  console.log(`uri:     ${uri}`)
  console.log(`size:    ${(size / MiB).toFixed(1)} MiB in ${chunks} chunks, ${(storedBytes / MiB).toFixed(1)} MiB stored (compressed and encrypted)`)
  console.log(`put:     ${put.seconds.toFixed(2)} s, ${mbps(put.seconds)} (process start and durable writes included)`)
  console.log(`get:     ${get.seconds.toFixed(2)} s, ${mbps(get.seconds)}`)
  console.log(`sha256:  ${ok ? 'equal' : 'DIFFERENT'}`)
  process.exitCode = ok ? 0 : 1
} finally {
  rmSync(work, { recursive: true, force: true })
}
