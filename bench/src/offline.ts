// The offline pipeline against raw node:crypto on the same bytes, in one run, so the
// ratios hold on a shared, noisy machine. Sizes can be scaled down with SHOAL_BENCH_MIB
// (default 256) for a quick look. Run by index.ts (`npm run bench`, or `... index.js offline`).
import { spawn } from 'node:child_process'
import { createCipheriv, createHash, randomFillSync } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, open, rm, writeFile as writeWhole } from 'node:fs/promises'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fastcdc } from '@shoal/chunker'
import { createSealer, defaultWorkers, putStream, type ChunkSink } from '@shoal/client'
import { MiB, randomPieces, textPieces } from './data.js'
import { mbps, peakRss, report, time, type Measurement } from './measure.js'

const size = Number(process.env.SHOAL_BENCH_MIB ?? 256) * MiB
const memoryFileSize = Number(process.env.SHOAL_BENCH_MEMORY_MIB ?? 1024) * MiB
const shoalBin = fileURLToPath(new URL('../../../apps/shoal/bin/shoal.js', import.meta.url))
const floorBin = fileURLToPath(new URL('./floor-put.js', import.meta.url))
const secret = new Uint8Array(32).fill(1)

async function * stream (pieces: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of pieces) yield p
}

/** Accepts everything, stores nothing: isolates the pipeline from the disk. */
const nullSink: ChunkSink = { put: async () => true }

function rawSha256 (pieces: Uint8Array[]): void {
  for (const p of pieces) createHash('sha256').update(p).digest()
}

function rawChaCha (pieces: Uint8Array[], slice: number): void {
  const key = Buffer.alloc(32, 1)
  const nonce = Buffer.alloc(12)
  for (const p of pieces) {
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    for (let i = 0; i < p.byteLength; i += slice) cipher.update(p.subarray(i, i + slice))
    cipher.final()
    cipher.getAuthTag()
  }
}

async function runCli (args: string[], program = shoalBin): Promise<{ seconds: number, peakRss: number, stdout: string }> {
  const started = performance.now()
  const child = spawn(process.execPath, [program, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  child.stdout.on('data', d => { stdout += d })
  let peak = 0
  const poll = setInterval(() => { peak = Math.max(peak, peakRss(child.pid ?? 0)) }, 50)
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  clearInterval(poll)
  if (code !== 0) throw new Error(`${program} ${args.join(' ')} exited with ${code}`)
  return { seconds: (performance.now() - started) / 1000, peakRss: peak, stdout }
}

/**
 * Writes a test input and flushes it: otherwise the kernel is still writing it back
 * during the timed run, and a durable write interleaved with that writeback costs many
 * times more (bench/README.md, "Flushed bench inputs"). A user's file has long been on disk.
 */
async function writeFile (path: string, pieces: Iterable<Uint8Array>): Promise<void> {
  const out = createWriteStream(path)
  for (const p of pieces) if (!out.write(p)) await new Promise<void>(resolve => out.once('drain', () => resolve()))
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => err != null ? reject(err) : resolve()))
  const handle = await open(path, 'r')
  try { await handle.datasync() } finally { await handle.close() }
}

/** Fresh random bytes (so nothing dedups), generated piece by piece, never all in memory. */
async function writeRandomFile (path: string, bytes: number): Promise<void> {
  function * pieces (): Generator<Uint8Array> {
    for (let n = 0; n < bytes; n += MiB) yield randomFillSync(Buffer.allocUnsafe(Math.min(MiB, bytes - n)))
  }
  await writeFile(path, pieces())
}

const KiB = 1024
const SMALL_FILES = 500

/** `count` files of 100 B to 8 KiB of random bytes, 50 to a subdirectory; their total size. */
async function writeTree (root: string, count: number): Promise<number> {
  let total = 0
  for (let i = 0; i < count; i++) {
    const dir = join(root, `d${Math.floor(i / 50)}`)
    if (i % 50 === 0) await mkdir(dir, { recursive: true })
    const bytes = randomFillSync(Buffer.allocUnsafe(100 + Math.floor(Math.random() * 8 * KiB)))
    await writeWhole(join(dir, `f${i}.bin`), bytes)
    total += bytes.byteLength
  }
  return total
}

function seconds (times: number[]): string {
  return times.map(t => t.toFixed(2)).join(' ') + ' s'
}

function ratio (a: Measurement, b: Measurement): string {
  return `${(100 * mbps(a) / mbps(b)).toFixed(0)} %`
}

console.log(`# shoal offline pipeline — ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, node ${process.version}`)
console.log(`# data: ${size / MiB} MiB random and ${size / MiB} MiB text, in memory\n`)
const random = randomPieces(size)
const text = textPieces(size)

const sha = await time('raw sha256 (1 thread)', size, () => rawSha256(random))
await time('raw chacha20-poly1305, 64 KiB updates', size, () => rawChaCha(random, 64 * 1024))
await time('raw chacha20-poly1305, 1 MiB updates', size, () => rawChaCha(random, MiB))

const contiguous = Buffer.concat(random)
await time('chunker (sync, wasm)', size, () => { for (const _ of fastcdc(contiguous)) { /* cut only */ } })
await time('chunker (streaming, 1 MiB reads)', size, async () => { for await (const _ of fastcdc(stream(random))) { /* cut only */ } })

console.log('')
const pipeRandom = await time(`pipeline, random (${defaultWorkers()} worker + main)`, size, async () => await putStream(stream(random), nullSink, { convergenceSecret: secret }))
const pipeText = await time(`pipeline, text (${defaultWorkers()} worker + main)`, size, async () => await putStream(stream(text), nullSink, { convergenceSecret: secret }))
// A daemon keeps its sealer: measure the same pipeline with workers already running.
const sealer = createSealer({ convergenceSecret: secret, compress: true })
await putStream(stream(random.slice(0, 16)), nullSink, { convergenceSecret: secret, sealer })
const pipeWarm = await time(`pipeline, random (warm: ${defaultWorkers()} worker + main)`, size, async () => await putStream(stream(random), nullSink, { convergenceSecret: secret, sealer }))
await sealer.close()
await time('pipeline, random (2 workers + main)', size, async () => await putStream(stream(random), nullSink, { convergenceSecret: secret, workers: 2 }))
const pipeInline = await time('pipeline, random (main thread only)', size, async () => await putStream(stream(random), nullSink, { convergenceSecret: secret, workers: 0 }))

const work = await mkdtemp(join(tmpdir(), 'shoal-bench-'))
try {
  const file = join(work, 'random.bin')
  await writeFile(file, random)
  const vault = ['--vault', join(work, 'vault'), '--data', join(work, 'data'), '--json']
  // shoal put and the two floors (floor-put.ts: only what the put bar's own words
  // require, nothing of Shoal's; and of that, the durable writes alone), interleaved,
  // best of 3 each, every put into a fresh vault.
  const floorRun = async (args: string[]): Promise<number> => {
    await rm(join(work, 'floor'), { recursive: true, force: true })
    return (await runCli([...args, file, join(work, 'floor')], floorBin)).seconds
  }
  const putTimes: number[] = []
  const floorTimes: number[] = []
  const ioTimes: number[] = []
  let put: Awaited<ReturnType<typeof runCli>> | undefined
  for (let run = 0; run < 3; run++) {
    await rm(join(work, 'vault'), { recursive: true, force: true })
    const attempt = await runCli(['put', file, ...vault])
    putTimes.push(attempt.seconds)
    if (put === undefined || attempt.seconds < put.seconds) put = attempt
    floorTimes.push(await floorRun([]))
    ioTimes.push(await floorRun(['--io-only']))
  }
  await rm(join(work, 'floor'), { recursive: true, force: true })
  if (put === undefined) throw new Error('no put ran')
  const e2e = report({ label: 'shoal put --vault (process, durable writes)', bytes: size, seconds: put.seconds }, `runs ${seconds(putTimes)}, peak RSS ${(put.peakRss / MiB).toFixed(0)} MiB`)
  const floor = report({ label: 'durable-put floor (process), best of 3', bytes: size, seconds: Math.min(...floorTimes) }, `runs ${seconds(floorTimes)}`)
  const ioFloor = report({ label: 'durable writes alone (process), best of 3', bytes: size, seconds: Math.min(...ioTimes) }, `runs ${seconds(ioTimes)}`)
  const uri = JSON.parse(put.stdout).uri as string
  const get = await runCli(['get', uri, '-o', join(work, 'out.bin'), ...vault])
  report({ label: 'shoal get --vault (process, durable writes)', bytes: size, seconds: get.seconds }, `peak RSS ${(get.peakRss / MiB).toFixed(0)} MiB`)
  // Many small files (a source tree, a folder of documents): per-file costs, not MB/s.
  const tree = join(work, 'tree')
  const treeBytes = await writeTree(tree, SMALL_FILES)
  const treePut = await runCli(['put', tree, ...vault])
  const treeGet = await runCli(['get', JSON.parse(treePut.stdout).uri as string, '-o', join(work, 'tree.out'), ...vault])
  const perFile = (seconds: number): string => `${SMALL_FILES} files (${(treeBytes / KiB).toFixed(0)} KiB) in ${seconds.toFixed(2)} s, ${(1000 * seconds / SMALL_FILES).toFixed(1)} ms a file`
  console.log(`${'shoal put --vault, small files'.padEnd(46)} ${perFile(treePut.seconds)}`)
  console.log(`${'shoal get --vault, small files'.padEnd(46)} ${perFile(treeGet.seconds)}`)

  console.log('')
  console.log(`pipeline random / raw sha256:   ${ratio(pipeRandom, sha)}   (its worker started for this put)`)
  console.log(`pipeline warm / raw sha256:     ${ratio(pipeWarm, sha)}   (target ≥ 30 %: a running sealer, as in the daemon)`)
  console.log(`pipeline text / raw sha256:     ${ratio(pipeText, sha)}`)
  console.log(`pipeline main only / raw sha256: ${ratio(pipeInline, sha)}`)
  console.log(`shoal put / raw sha256:         ${ratio(e2e, sha)}   (target ≥ 15 %)`)
  console.log(`floor / raw sha256:             ${ratio(floor, sha)}   (no put can beat this here)`)
  console.log(`shoal put / floor:              ${ratio(e2e, floor)}`)
  // The bar as a time budget: what 15 % of this run's raw SHA-256 allows for these bytes,
  // and how much of it the durable writes alone and the whole floor take.
  const budget = size / 1e6 / (0.15 * mbps(sha))
  const share = (s: number): string => `${s.toFixed(2)} s = ${(100 * s / budget).toFixed(0)} % of it`
  console.log(`15 % bar allows:                ${budget.toFixed(2)} s for ${size / MiB} MiB; durable writes alone ${share(ioFloor.seconds)}, floor ${share(floor.seconds)}, shoal put ${share(e2e.seconds)}`)

  await rm(join(work, 'vault'), { recursive: true, force: true })
  await rm(join(work, 'out.bin'), { force: true })
  const big = join(work, 'big.bin')
  await writeRandomFile(big, memoryFileSize)
  const mem = await runCli(['put', big, ...vault])
  report({ label: `shoal put of ${memoryFileSize / MiB} MiB`, bytes: memoryFileSize, seconds: mem.seconds }, `peak RSS ${(mem.peakRss / MiB).toFixed(0)} MiB (target < 200 MiB)`)
} finally {
  await rm(work, { recursive: true, force: true })
}
