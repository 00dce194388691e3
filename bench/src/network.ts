// The network half of `npm run bench` (`node bench/dist/src/index.js network` alone): an
// 8-node testnet of real `shoal node` processes on 127.0.0.x, a short-lived `shoal put`
// and `shoal get` client against it, and in the same run a plain node:net copy of the
// same file between two processes as the ceiling, so the ratios hold on a noisy machine,
// and the transport's own floor: that file over one bare libp2p stream (network-libp2p.ts).
// Then the client's peak RSS for a 1 GiB get, each vault's RSS before and after holding
// the data, and (unless SHOAL_BENCH_PROFILE=0) a --cpu-prof of one put and one get.
//
// Every child process is killed and every temp dir removed on the way out, also on an
// error, SIGINT or SIGTERM; a put or get that fails or hangs past its timeout is reported
// as FAILED and the rest still runs.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomFillSync } from 'node:crypto'
import { createReadStream, createWriteStream, readFileSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, open, readdir, rm, stat } from 'node:fs/promises'
import { connect } from 'node:net'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { firstJsonLine, shoalBin, startTestnet, stopChild } from '@shoal/cli'
import { MiB } from './data.js'
import { mbps, peakRss, report, type Measurement } from './measure.js'
import { printSummary, summarize } from './network-profile.js'

const size = Number(process.env.SHOAL_BENCH_MIB ?? 256) * MiB
const memorySize = Number(process.env.SHOAL_BENCH_MEMORY_MIB ?? 1024) * MiB
const nodeCount = Number(process.env.SHOAL_BENCH_NODES ?? 8)
const replicas = 3
/** A put or get that takes longer than this is killed and reported as FAILED. */
const timeoutMs = Number(process.env.SHOAL_BENCH_TIMEOUT_S ?? 600) * 1000
/** Time the nodes get after the last one is up, for their DHT routing tables to fill. */
const settleMs = Number(process.env.SHOAL_BENCH_SETTLE_MS ?? 3000)
const profile = process.env.SHOAL_BENCH_PROFILE !== '0'
/** Also run every vault under --cpu-prof (a little slower) and print two of their profiles at the end. */
const profileVaults = process.env.SHOAL_BENCH_PROFILE_VAULTS === '1'
const receiverJs = fileURLToPath(new URL('./network-receiver.js', import.meta.url))
const libp2pJs = fileURLToPath(new URL('./network-libp2p.js', import.meta.url))
const CLK_TCK = 100 // Linux's USER_HZ; /proc/<pid>/stat counts CPU time in these

// ---- child processes: every one is tracked so nothing outlives the bench ----

const children = new Set<ChildProcess>()

function track (child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

/** Keeps the last few KiB of a stream, for error messages. */
function tail (stream: NodeJS.ReadableStream | null): () => string {
  let text = ''
  stream?.on('data', (d: Buffer) => { text = (text + d.toString()).slice(-4096) })
  return () => text.trim()
}

// ---- /proc ----

function procStatus (pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match != null ? Number(match[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/** User + system CPU seconds a process has used so far (all its threads); 0 once it is gone. */
function cpuSeconds (pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields from 3 (state) on
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK // utime (14), stime (15)
  } catch {
    return 0
  }
}

// ---- inputs ----

/** Fresh random bytes, flushed to disk (so the first measurement pays no writeback); its sha256. */
async function writeRandomFile (path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256')
  const out = createWriteStream(path)
  for (let n = 0; n < bytes; n += MiB) {
    const piece = randomFillSync(Buffer.allocUnsafe(Math.min(MiB, bytes - n)))
    hash.update(piece)
    if (!out.write(piece)) await new Promise<void>(resolve => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => err != null ? reject(err) : resolve()))
  const handle = await open(path, 'r')
  try { await handle.datasync() } finally { await handle.close() }
  return hash.digest('hex')
}

async function sha256File (path: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(path, { highWaterMark: MiB }), hash)
  return hash.digest('hex')
}

// ---- the ceiling: node:net between two processes ----

/** Sends `file` from 127.0.0.3 to a receiver process on 127.0.0.2 that writes it to `out`. */
async function netCopy (file: string, out: string, bytes: number, fsync: boolean): Promise<number> {
  const receiver = track(spawn(process.execPath, [receiverJs, '127.0.0.2', out, ...(fsync ? ['fsync'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] }))
  const stderr = tail(receiver.stderr)
  try {
    const { port } = await firstJsonLine<{ port: number }>(receiver, { what: 'the node:net receiver', timeoutMs: 10_000, stderr })
    const closed = new Promise<{ bytes: number }>((resolve, reject) => {
      let out = ''
      receiver.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('\n')) { try { resolve(JSON.parse(out)) } catch (err) { reject(err) } }
      })
      // 'close', not 'exit': a child's exit can come before the last of its stdout
      receiver.once('close', code => reject(new Error(`the node:net receiver exited (code ${code}): ${stderr()}`)))
    })
    closed.catch(() => {}) // awaited below; if the send fails first, that is the error to report
    const started = performance.now()
    const socket = connect({ host: '127.0.0.2', port, localAddress: '127.0.0.3', noDelay: true })
    await pipeline(createReadStream(file, { highWaterMark: MiB }), socket)
    const received = await closed
    const seconds = (performance.now() - started) / 1000
    if (received.bytes !== bytes) throw new Error(`the node:net receiver got ${received.bytes} bytes, not ${bytes}`)
    return seconds
  } finally {
    await stopChild(receiver)
    await rm(out, { force: true })
  }
}

/** The ceiling is short and this machine is shared: report the best of a few copies, and all of them. */
async function bestOf (runs: number, label: string, file: string, out: string, fsync: boolean): Promise<Measurement> {
  const all: Measurement[] = []
  for (let i = 0; i < runs; i++) all.push({ label, bytes: size, seconds: await netCopy(file, out, size, fsync) })
  const best = all.reduce((a, b) => mbps(b) > mbps(a) ? b : a)
  return report(best, `best of ${runs}: ${all.map(m => mbps(m).toFixed(0)).join(', ')} MB/s`)
}

// ---- the transport's floor: one bare libp2p stream (tcp + noise + yamux) between two processes ----

interface StreamCopy { seconds: number, sendCpuMs: number, receiveCpuMs: number }

/** Sends `file` from a libp2p process on 127.0.0.3 to one on 127.0.0.2 that writes it to `out`; checks its sha256. */
async function libp2pCopy (file: string, out: string, bytes: number, sha: string): Promise<StreamCopy> {
  const receiver = track(spawn(process.execPath, [libp2pJs, 'receive', '127.0.0.2', out], { stdio: ['ignore', 'pipe', 'pipe'] }))
  const receiverErr = tail(receiver.stderr)
  let sender: ChildProcess | undefined
  try {
    const { address } = await firstJsonLine<{ address: string }>(receiver, { what: 'the libp2p receiver', timeoutMs: 30_000, stderr: receiverErr })
    const received = firstJsonLine<{ bytes: number, cpuMs: number }>(receiver, { what: 'the libp2p receiver', timeoutMs, stderr: receiverErr })
    received.catch(() => {}) // awaited below; if the send fails first, that is the error to report
    sender = track(spawn(process.execPath, [libp2pJs, 'send', '127.0.0.3', address, file], { stdio: ['ignore', 'pipe', 'pipe'] }))
    const senderErr = tail(sender.stderr)
    const bothErr = (): string => [senderErr(), receiverErr()].filter(text => text !== '').join('\nthe receiver: ')
    const sent = await firstJsonLine<{ bytes: number, seconds: number, cpuMs: number }>(sender, { what: 'the libp2p sender', timeoutMs, stderr: bothErr })
    const got = await received
    if (sent.bytes !== bytes || got.bytes !== bytes) throw new Error(`sent ${sent.bytes} and received ${got.bytes} bytes, not ${bytes}`)
    if (await sha256File(out) !== sha) throw new Error('the received file differs from the sent one')
    return { seconds: sent.seconds, sendCpuMs: sent.cpuMs, receiveCpuMs: got.cpuMs }
  } finally {
    if (sender !== undefined) await stopChild(sender)
    await stopChild(receiver)
    await rm(out, { force: true })
  }
}

/** Best of `runs` copies, like the ceiling; the CPU per MiB each side spent in the best one. */
async function libp2pBestOf (runs: number, file: string, out: string, sha: string): Promise<Measurement> {
  const all: Array<StreamCopy & Measurement> = []
  for (let i = 0; i < runs; i++) all.push({ label: `libp2p stream (tcp+noise+yamux), best of ${runs}`, bytes: size, ...await libp2pCopy(file, out, size, sha) })
  const best = all.reduce((a, b) => mbps(b) > mbps(a) ? b : a)
  const perMiB = (ms: number): string => (ms / (size / MiB)).toFixed(2)
  return report(best, `runs ${all.map(m => mbps(m).toFixed(0)).join(', ')} MB/s; send ${perMiB(best.sendCpuMs)} ms/MiB, receive ${perMiB(best.receiveCpuMs)} ms/MiB CPU`)
}

// ---- the testnet ----

/**
 * What the `shoal` executable's shebang (`#!/usr/bin/env -S NAME=value node --flags`)
 * sets: environment and node flags, so the bench runs what `npx shoal` runs.
 */
function launcherFlags (): { env: Record<string, string>, flags: string[] } {
  const first = readFileSync(shoalBin, 'utf8').split('\n')[0]
  const match = /^#!\S*env(?:\s+-S)?\s+(.*)$/.exec(first)
  const words = match === null ? [] : match[1].split(/\s+/).filter(word => word !== '')
  const env: Record<string, string> = {}
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
    const [name, ...value] = (words.shift() as string).split('=')
    env[name] = value.join('=')
  }
  if (words[0] === 'node') words.shift()
  return { env, flags: words }
}
const launcher = launcherFlags()
const launcherEnv = { ...process.env, ...launcher.env }

interface Vault { index: number, peerId: string, address: string, process: ChildProcess, pid: number, stderr: () => string }

async function startVaults (work: string, count: number, space: string): Promise<Vault[]> {
  const net = await startTestnet({
    nodes: count,
    dataDir: i => join(work, `node-${i}`),
    space: () => space,
    // every vault runs as the shoal executable would; a profile is written when the
    // process exits on its own, which `shoal node` does on SIGTERM
    spawn: (args, i) => track(spawn(process.execPath, [...launcher.flags, ...(profileVaults ? ['--cpu-prof', '--cpu-prof-dir', vaultProfileDir(work, i)] : []), shoalBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: launcherEnv })),
    startTimeoutMs: 30_000
  })
  return net.nodes.map(node => ({ index: node.index, peerId: node.peerId, address: node.address, process: node.process, pid: node.process.pid ?? 0, stderr: () => node.stderr().trim() }))
}

const vaultProfileDir = (work: string, i: number): string => join(process.env.SHOAL_BENCH_PROFILE_DIR ?? join(work, 'profiles'), `vault-${i}`)

// ---- the CLI as a measured process ----

interface Run { seconds: number, peakRss: number, cpu: number, vaultCpu: number, json: Record<string, unknown> }

/**
 * Runs `shoal ...args` to completion and measures its wall time (start-up included),
 * peak RSS (VmHWM, polled every 50 ms), its own CPU time and the vaults' CPU time over
 * the same interval. Killed after `timeoutMs`; throws with its stderr on any failure.
 */
async function runShoal (args: string[], vaults: Vault[], nodeFlags: string[] = []): Promise<Run> {
  const vaultCpu = (): number => vaults.reduce((sum, v) => sum + cpuSeconds(v.pid), 0)
  const vaultCpuBefore = vaultCpu()
  const started = performance.now()
  const child = track(spawn(process.execPath, [...launcher.flags, ...nodeFlags, shoalBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: launcherEnv }))
  const stderr = tail(child.stderr)
  let stdout = ''
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString() })
  let peak = 0
  let cpu = 0
  const sample = (): void => {
    const pid = child.pid ?? 0
    peak = Math.max(peak, peakRss(pid))
    cpu = Math.max(cpu, cpuSeconds(pid))
  }
  const poll = setInterval(sample, 50)
  let timedOut = false
  const timer = setTimeout(() => { timedOut = true; void stopChild(child) }, timeoutMs)
  try {
    const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
    const seconds = (performance.now() - started) / 1000
    if (timedOut) throw new Error(`timed out after ${timeoutMs / 1000} s${stderr() !== '' ? ': ' + stderr() : ''}`)
    if (code !== 0) throw new Error(`exited with ${code}${stderr() !== '' ? ': ' + stderr() : ''}`)
    const last = stdout.trim().split('\n').pop() ?? ''
    let json: Record<string, unknown>
    try { json = JSON.parse(last) } catch { throw new Error(`printed no JSON line: ${stdout.slice(-500)}`) }
    return { seconds, peakRss: peak, cpu, vaultCpu: vaultCpu() - vaultCpuBefore, json }
  } finally {
    clearInterval(poll)
    clearTimeout(timer)
  }
}

const mib = (bytes: number): string => `${(bytes / MiB).toFixed(0)} MiB`
const pct = (a: number, b: number): string => `${(100 * a / b).toFixed(0)} %`

function failed (label: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err)
  console.log(`${label.padEnd(46)} FAILED: ${message.split('\n').slice(0, 6).join('\n    ')}`)
}

/** Where the CPU went during a run: the client's own seconds and the vaults' (8 processes) seconds. */
function cpuNote (run: Run): string {
  return `client CPU ${run.cpu.toFixed(1)} s, vaults CPU ${run.vaultCpu.toFixed(1)} s`
}

export async function networkBench (): Promise<void> {
  console.log(`# shoal network — ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, node ${process.version}`)
  console.log(`# ${nodeCount} vault processes on 127.0.0.2-${1 + nodeCount}, r = ${replicas}; ${mib(size)} and ${mib(memorySize)} random files; timeout ${timeoutMs / 1000} s per command`)
  console.log(`# every shoal process runs as its executable would: ${Object.entries(launcher.env).map(([k, v]) => `${k}=${v} `).join('')}node ${launcher.flags.join(' ')}\n`)
  const work = await mkdtemp(join(tmpdir(), 'shoal-bench-net-'))
  const cleanup = (): void => {
    for (const child of children) child.kill('SIGKILL')
    rmSync(work, { recursive: true, force: true, maxRetries: 3 })
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`\n${signal}: stopping ${children.size} child processes and removing ${work}`)
    cleanup()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  process.once('exit', cleanup) // a crash of the bench itself: no orphans, no leftovers
  let vaults: Vault[] = []
  try {
    const file = join(work, 'random.bin')
    const big = join(work, 'big.bin')
    const fileSha = await writeRandomFile(file, size)
    const bigSha = await writeRandomFile(big, memorySize)

    // 1. the ceiling, before the testnet exists (and again after it is gone)
    const ceilings: Measurement[] = []
    ceilings.push(await bestOf(3, 'node:net copy, process to process (ceiling)', file, join(work, 'net.out'), false))
    // the transport's own ceiling: what Shoal's libp2p stack moves with nothing of Shoal's on it
    let stream: Measurement | undefined
    try {
      stream = await libp2pBestOf(3, file, join(work, 'libp2p.out'), fileSha)
    } catch (err) { failed('libp2p stream (tcp+noise+yamux)', err) }
    const ceilingSync = await bestOf(3, 'node:net copy + fdatasync at the end', file, join(work, 'net.out'), true)

    // 2. the testnet
    const startedAt = performance.now()
    try {
      vaults = await startVaults(work, nodeCount, process.env.SHOAL_BENCH_SPACE ?? '16GiB')
    } catch (err) {
      failed('the testnet', err) // nothing else can run; the finally stops what did start
      process.exitCode = 1
      return
    }
    await new Promise(resolve => setTimeout(resolve, settleMs))
    console.log(`${nodeCount} vaults up, each knowing all the others, in ${((performance.now() - startedAt) / 1000).toFixed(1)} s (+ ${settleMs / 1000} s to settle)`)
    const rssBefore = vaults.map(v => procStatus(v.pid, 'VmRSS'))
    const client = (name: string): string[] => ['--bootstrap', vaults[0].address, '--data', join(work, name), '--json']

    // the fixed cost of one command (node start-up, joining the DHT, the manifest's lookups)
    const tiny = join(work, 'tiny.bin')
    await writeRandomFile(tiny, 1024)
    try {
      const putRun = await runShoal(['put', tiny, ...client('put-client')], vaults)
      console.log(`${'shoal put, 1 KiB (fixed cost)'.padEnd(46)} ${putRun.seconds.toFixed(2).padStart(6)} s     own ${Number(putRun.json.seconds).toFixed(2)} s`)
      const getRun = await runShoal(['get', String(putRun.json.uri), '-o', join(work, 'tiny.out'), ...client('get-client')], vaults)
      console.log(`${'shoal get, 1 KiB (fixed cost)'.padEnd(46)} ${getRun.seconds.toFixed(2).padStart(6)} s     own ${Number(getRun.json.seconds).toFixed(2)} s`)
    } catch (err) { failed('shoal put/get, 1 KiB', err) }

    let put: Measurement | undefined
    let get: Measurement | undefined
    let uri: string | undefined
    try {
      const run = await runShoal(['put', file, ...client('put-client')], vaults)
      uri = String(run.json.uri)
      put = report({ label: `shoal put, ${nodeCount} nodes, r = ${replicas}`, bytes: size, seconds: run.seconds },
        `own ${Number(run.json.seconds).toFixed(2)} s, ${run.json.chunks} chunks, peak RSS ${mib(run.peakRss)}, ${cpuNote(run)}`)
    } catch (err) { failed(`shoal put, ${nodeCount} nodes, r = ${replicas}`, err) }
    if (uri !== undefined) {
      const out = join(work, 'get.out')
      try {
        const run = await runShoal(['get', uri, '-o', out, ...client('get-client')], vaults)
        const ok = await sha256File(out) === fileSha
        get = report({ label: `shoal get, ${nodeCount} nodes`, bytes: size, seconds: run.seconds },
          `own ${Number(run.json.seconds).toFixed(2)} s, sha256 ${ok ? 'equal' : 'DIFFERENT'}, peak RSS ${mib(run.peakRss)}, ${cpuNote(run)}`)
        if (!ok) { process.exitCode = 1; get = undefined }
      } catch (err) { failed(`shoal get, ${nodeCount} nodes`, err) }
      await rm(out, { force: true })
    }

    // the vaults' RSS once they hold the first file: whatever start-up and first use cost
    // is paid by now, so growth from here to the end is what holding more data costs
    const rssMid = vaults.map(v => procStatus(v.pid, 'VmRSS'))
    const heldMid = await Promise.all(vaults.map(async v => await duBytes(join(work, `node-${v.index}`))))

    // 3. memory: the client's peak RSS for a 1 GiB get; the vaults' RSS before/after holding it
    let bigGetPeak: number | undefined
    let bigUri: string | undefined
    try {
      const run = await runShoal(['put', big, ...client('put-client')], vaults)
      bigUri = String(run.json.uri)
      report({ label: `shoal put, ${mib(memorySize)}`, bytes: memorySize, seconds: run.seconds }, `peak RSS ${mib(run.peakRss)}, ${cpuNote(run)}`)
    } catch (err) { failed(`shoal put, ${mib(memorySize)}`, err) }
    if (bigUri !== undefined) {
      const out = join(work, 'big.out')
      try {
        const run = await runShoal(['get', bigUri, '-o', out, ...client('get-client')], vaults)
        const ok = await sha256File(out) === bigSha
        if (!ok) process.exitCode = 1
        bigGetPeak = run.peakRss
        report({ label: `shoal get, ${mib(memorySize)}`, bytes: memorySize, seconds: run.seconds },
          `sha256 ${ok ? 'equal' : 'DIFFERENT'}, peak RSS ${mib(run.peakRss)} (target < 200 MiB), ${cpuNote(run)}`)
      } catch (err) { failed(`shoal get, ${mib(memorySize)}`, err) }
      await rm(out, { force: true })
    }
    const rssAfter = vaults.map(v => procStatus(v.pid, 'VmRSS'))
    const hwm = vaults.map(v => procStatus(v.pid, 'VmHWM'))
    const held = await Promise.all(vaults.map(async v => await duBytes(join(work, `node-${v.index}`))))
    console.log(`\nvault RSS (MiB): before the puts -> holding the ${mib(size)} file -> also the ${mib(memorySize)} one (peak), data held then -> at the end:`)
    for (const v of vaults) {
      if (v.process.exitCode !== null || v.process.signalCode !== null) { console.log(`  node ${v.index}: DIED (${v.process.exitCode ?? v.process.signalCode}): ${v.stderr().slice(-300)}`); continue }
      console.log(`  node ${v.index} (127.0.0.${2 + v.index}): ${(rssBefore[v.index] / MiB).toFixed(0).padStart(4)} -> ${(rssMid[v.index] / MiB).toFixed(0).padStart(4)} -> ${(rssAfter[v.index] / MiB).toFixed(0).padStart(4)}  (peak ${(hwm[v.index] / MiB).toFixed(0).padStart(4)}), holds ${mib(heldMid[v.index])} -> ${mib(held[v.index])}`)
    }
    const growth = Math.max(...vaults.map(v => rssAfter[v.index] - rssBefore[v.index]))
    const dataGrowth = Math.max(...vaults.map(v => rssAfter[v.index] - rssMid[v.index]))
    const moreHeld = Math.min(...vaults.map(v => held[v.index] - heldMid[v.index]))
    console.log(`  max growth ${(growth / MiB).toFixed(0)} MiB since start, ${(dataGrowth / MiB).toFixed(0)} MiB while each took on ${mib(moreHeld)}+ more; largest vault peak ${(Math.max(...hwm) / MiB).toFixed(0)} MiB`)

    // 4. where the time goes: one more put (a new data dir, so a new convergence secret and
    // nothing dedups) and one more get, each under --cpu-prof; not part of the numbers above
    if (profile && uri !== undefined) {
      for (const [what, args] of [
        ['put', ['put', file, ...client('profile-put-client')]],
        ['get', ['get', uri, '-o', join(work, 'profile.out'), ...client('profile-get-client')]]
      ] as const) {
        const dir = join(process.env.SHOAL_BENCH_PROFILE_DIR ?? join(work, 'profiles'), what)
        await mkdir(dir, { recursive: true })
        try {
          const run = await runShoal([...args], vaults, ['--cpu-prof', '--cpu-prof-dir', dir])
          report({ label: `shoal ${what} under --cpu-prof`, bytes: size, seconds: run.seconds }, cpuNote(run))
          const files = (await readdir(dir)).filter(f => f.endsWith('.cpuprofile')).sort()
          for (const f of files) printSummary(`  ${what} profile ${f}`, summarize(join(dir, f)))
        } catch (err) { failed(`shoal ${what} under --cpu-prof`, err) }
      }
      await rm(join(work, 'profile.out'), { force: true })
    }

    await Promise.all(vaults.map(async v => await stopChild(v.process)))
    if (profileVaults) {
      for (const i of [0, 1]) {
        const dir = vaultProfileDir(work, i)
        for (const f of (await readdir(dir).catch(() => [])).filter(f => f.endsWith('.cpuprofile')).sort()) {
          printSummary(`  vault ${i} profile ${f} (the whole run)`, summarize(join(dir, f)))
        }
      }
    }
    ceilings.push(await bestOf(3, 'node:net copy, again after the testnet', file, join(work, 'net.out'), false))

    // 5. the ratios
    const ceiling = ceilings.reduce((best, m) => mbps(m) > mbps(best) ? m : best)
    console.log(`\nceiling (best node:net copy): ${mbps(ceiling).toFixed(0)} MB/s (with fdatasync: ${mbps(ceilingSync).toFixed(0)} MB/s)`)
    if (get !== undefined) console.log(`get / ceiling:  ${pct(mbps(get), mbps(ceiling)).padStart(5)}   (target ≥ 60 %, at least 40 %)`)
    if (stream !== undefined) console.log(`libp2p stream / node:net ceiling: ${pct(mbps(stream), mbps(ceiling))}  (the transport's own ceiling; shoal get cannot beat it)`)
    if (stream !== undefined && get !== undefined) console.log(`get / libp2p stream: ${pct(mbps(get), mbps(stream))}  (how far shoal's own work and start-up keep it from the transport's limit)`)
    if (put !== undefined) console.log(`put / ceiling:  ${pct(mbps(put), mbps(ceiling)).padStart(5)}`)
    if (put !== undefined && get !== undefined) console.log(`put / get:      ${pct(mbps(put), mbps(get)).padStart(5)}   (target ≥ 33 %)`)
    if (bigGetPeak !== undefined) console.log(`get ${mib(memorySize)} peak RSS: ${mib(bigGetPeak)}   (target < 200 MiB)`)
    console.log(`vault RSS growth: ${(growth / MiB).toFixed(0)} MiB max since start, ${(dataGrowth / MiB).toFixed(0)} MiB max while holding ${mib(moreHeld)}+ more   (target: no growth with data held)`)
  } finally {
    await Promise.all(vaults.map(async v => await stopChild(v.process)))
    await Promise.all([...children].map(async child => await stopChild(child)))
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('exit', cleanup)
    await rm(work, { recursive: true, force: true, maxRetries: 3 })
  }
}

/** Bytes in files under `dir` (what a vault holds, roughly). */
async function duBytes (dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (!entry.isFile()) continue
    total += (await stat(join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size
  }
  return total
}
