// Restore: how long the vaults themselves take to put back full redundancy after `kill -9`
// of 3 of 10 at once, and what that moves. Real `shoal node` processes on 127.0.0.x (each
// its own data dir and log), files of random bytes put through the CLI as a user would,
// `shoal check --json` until every chunk (or stripe) is at target, then the kill (victims
// chosen by --seed), then `shoal check` again and again, through a survivor, until nothing
// repairable is short or the deadline passes. Bytes lost: what the victims held (their
// /v1/status just before); bytes moved: the survivors' repair counters; CPU: /proc.
// Every file is then fetched and compared by sha256.
//   node bench/dist/src/index.js restore [--size 1GiB] [--scheme replicate:3,rs:4+2] [--interval 5s] ...
import { createHash, randomFillSync } from 'node:crypto'
import { createReadStream, openSync } from 'node:fs'
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { spawn } from 'node:child_process'
import { MeshTimeoutError, shoalBin, startTestnet, type Testnet, type TestnetNode } from '@shoal/cli'
import { seededRandom } from '@shoal/runtime'
import { addChecks, checkFile, EMPTY_CHECK, shoalCliRetrying, type CheckSummary } from './restore-cli.js'
import { cpuMs, NO_REPAIR, repairDelta, rss, vaultStatus, type RepairCounters, type VaultStatus } from './restore-vaults.js'

const MiB = 1024 * 1024

interface RestoreInit {
  size: number
  files: number
  schemes: string[]
  vaults: number
  kill: number
  seed: number
  interval: string
  bandwidth: string
  deadlineSeconds: number
  space: string
  keep: boolean
  logLevel: string
  /** how put, check and get reach the network: a vault's API (node) or a short-lived client (client) */
  via: 'node' | 'client'
}

function parseSize (text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)?$/i.exec(text.trim())
  if (match === null) throw new Error(`not a size: '${text}' (e.g. 256MiB, 1GiB)`)
  const unit = { b: 1, kib: 1024, mib: MiB, gib: 1024 * MiB }[(match[2] ?? 'b').toLowerCase()] as number
  return Math.round(Number(match[1]) * unit)
}

function parseInit (argv: string[]): RestoreInit {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string', default: '1GiB' },
      files: { type: 'string', default: '8' },
      scheme: { type: 'string', default: 'replicate:3,rs:4+2' },
      vaults: { type: 'string', default: '10' },
      kill: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      interval: { type: 'string', default: '5s' },
      bandwidth: { type: 'string', default: '4MiB' },
      deadline: { type: 'string', default: '240' },
      space: { type: 'string', default: '4GiB' },
      keep: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      via: { type: 'string', default: 'node' }
    }
  })
  return {
    size: parseSize(values.size),
    files: Number(values.files),
    schemes: values.scheme.split(',').filter(s => s !== ''),
    vaults: Number(values.vaults),
    kill: Number(values.kill),
    seed: Number(values.seed),
    interval: values.interval,
    bandwidth: values.bandwidth,
    deadlineSeconds: Number(values.deadline),
    space: values.space,
    keep: values.keep,
    logLevel: values['log-level'],
    via: values.via === 'client' ? 'client' : 'node'
  }
}

interface DataFile { path: string, size: number, sha256: string }

/** `count` files of random bytes making `total` in all, written in 1 MiB pieces (never all in memory). */
async function writeFiles (dir: string, total: number, count: number): Promise<DataFile[]> {
  const files: DataFile[] = []
  const piece = Buffer.allocUnsafe(MiB)
  for (let i = 0; i < count; i++) {
    const size = Math.floor(total / count) + (i < total % count ? 1 : 0)
    const path = join(dir, `file-${i}.bin`)
    const hash = createHash('sha256')
    const handle = await open(path, 'w')
    try {
      for (let n = 0; n < size; n += MiB) {
        const part = randomFillSync(piece).subarray(0, Math.min(MiB, size - n))
        hash.update(part)
        await handle.write(part)
      }
    } finally {
      await handle.close()
    }
    files.push({ path, size, sha256: hash.digest('hex') })
  }
  return files
}

async function sha256File (path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const part of createReadStream(path)) hash.update(part as Buffer)
  return hash.digest('hex')
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }
const seconds = (from: number): number => (performance.now() - from) / 1000

/** `shoal check` of every file, summed up. */
async function checkAll (uris: string[], where: string[]): Promise<CheckSummary> {
  let total = EMPTY_CHECK
  for (const [i, uri] of uris.entries()) {
    const file = await checkFile(uri, where)
    total = addChecks(total, { ...file, lostNames: file.lostNames.map(name => `file ${i} ${name}`) })
  }
  return total
}

/** `kill` of `count` vault indexes, the same ones for the same seed. */
function chooseVictims (count: number, kill: number, seed: number): number[] {
  const random = seededRandom(seed)
  const order = Array.from({ length: count }, (_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1)
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  return order.slice(0, kill).sort((a, b) => a - b)
}

interface Outcome {
  scheme: string
  putSeconds: number
  stored: number
  units: number
  victims: number[]
  lostBytes: number
  lostChunks: number
  shortAfterKill: CheckSummary
  /** first check that found nothing repairable short: when it started and ended, s after the kill; null: not within the deadline */
  restored: { from: number, to: number } | null
  final: CheckSummary
  checks: number
  /** s after the kill of the last rise of any survivor's repair counters */
  lastRepairAt: number
  repair: RepairCounters
  storedAfter: number
  cpuMs: number
  idleCpuMsPerSecond: number
  windowSeconds: number
  exact: number
  files: number
  getSeconds: number
  peakRss: number
  /** the machine's 1-minute load average at the kill and at the end of the restore */
  load: [number, number]
  logs: string
}

/**
 * The vaults, each on its own 127.0.0.x with its log in `dir`, once every routing table
 * lists every other vault. On a loaded machine a vault now and then misses one peer for
 * good (an identify timing out at start): then the network is started afresh, up to 3 times.
 */
async function startVaults (init: RestoreInit, dir: string): Promise<Testnet> {
  for (let attempt = 1; ; attempt++) {
    const vaults = join(dir, `try-${attempt}`)
    await mkdir(vaults, { recursive: true })
    try {
      return await startTestnet({
        nodes: init.vaults,
        dataDir: i => join(vaults, `vault-${i}`),
        space: () => init.space,
        nodeFlags: ['--repair-interval', init.interval, '--repair-bandwidth', init.bandwidth],
        logLevel: init.logLevel,
        startTimeoutMs: 60_000,
        meshTimeoutMs: 90_000,
        firstHost: 100, // 127.0.0.100 on: apart from the tests' and other benches' testnets
        // stderr to a file per vault: the whole log stays for a post-mortem, not a tail
        spawn: (args, i) => spawn(process.execPath, [...process.execArgv, shoalBin, ...args], { stdio: ['ignore', 'pipe', openSync(join(vaults, `vault-${i}.log`), 'a')] })
      })
    } catch (err) {
      if (!(err instanceof MeshTimeoutError) || attempt >= 3) throw err
      console.log(`  (${err.message}; starting the vaults again)`)
      await rm(vaults, { recursive: true, force: true })
    }
  }
}

async function runScheme (scheme: string, files: DataFile[], init: RestoreInit, work: string): Promise<Outcome> {
  const dir = join(work, scheme.replace(/[^a-z0-9]+/gi, '-'))
  await mkdir(dir, { recursive: true })
  const client = join(dir, 'client')
  // a running vault's API (its full routing table), or a short-lived client joining through the vault
  const where = (node: TestnetNode): string[] => init.via === 'node' ? ['--data', node.dataDir] : ['--data', client, '--bootstrap', node.address]
  const net = await startVaults(init, dir)
  const pids = new Map(net.nodes.map(n => [n.index, n.process.pid]))
  try {
    console.log(`\n${scheme}: ${init.vaults} vaults up (logs: ${dir}/try-N/vault-N.log); putting ${files.length} files of ${(files[0].size / MiB).toFixed(0)} MiB`)
    let started = performance.now()
    const uris: string[] = []
    for (const file of files) {
      const put = await shoalCliRetrying(['put', file.path, '-q', '--redundancy', scheme, ...where(net.nodes[0])])
      if (put.code !== 0) throw new Error(`shoal put exited ${put.code}: ${put.err.trim()}`)
      uris.push(put.out.trim().split('\n').pop() as string)
    }
    const putSeconds = seconds(started)
    console.log(`  put: ${putSeconds.toFixed(1)} s (${(files.length * files[0].size / 1e6 / putSeconds).toFixed(1)} MB/s)`)

    // everything at target before the kill, or the measurement means nothing
    started = performance.now()
    let before = await checkAll(uris, where(net.nodes[0]))
    while (before.short > 0 && seconds(started) < 120) {
      console.log(`  before the kill: ${before.short} of ${before.units} units short, waiting`)
      await sleep(5_000)
      before = await checkAll(uris, where(net.nodes[0]))
    }
    if (before.short > 0) throw new Error(`${before.short} of ${before.units} units still short 120 s after the put: nothing to measure`)
    console.log(`  all ${before.units} units at target (check of all files: ${seconds(started).toFixed(1)} s)`)

    // what the vaults spend with nothing to repair (walks, scrubbing, audits), to tell apart from repair
    const victims = chooseVictims(init.vaults, init.kill, init.seed)
    const survivors = net.nodes.filter(n => !victims.includes(n.index))
    const idleFrom = performance.now()
    const idleCpu0 = sum(survivors.map(n => cpuMs(pids.get(n.index))))
    await sleep(10_000)
    const idleCpuMsPerSecond = (sum(survivors.map(n => cpuMs(pids.get(n.index)))) - idleCpu0) / seconds(idleFrom)

    const statusBefore = new Map<number, VaultStatus>()
    await Promise.all(net.nodes.map(async n => { statusBefore.set(n.index, await vaultStatus(n)) }))
    const stored = sum([...statusBefore.values()].map(s => s.bytes))
    const lostBytes = sum(victims.map(v => statusBefore.get(v)?.bytes ?? 0))
    const lostChunks = sum(victims.map(v => statusBefore.get(v)?.chunks ?? 0))
    const survivorRepair0 = survivors.map(n => statusBefore.get(n.index)?.repair ?? NO_REPAIR)
    const cpu0 = sum(survivors.map(n => cpuMs(pids.get(n.index))))

    const loadAtKill = loadAverage()
    const killedAt = performance.now()
    const exits = victims.map(async v => await new Promise(resolve => net.nodes[v].process.once('exit', resolve)))
    for (const v of victims) net.nodes[v].process.kill('SIGKILL')
    await Promise.all(exits)
    console.log(`  killed (-9) vaults ${victims.join(', ')} (seed ${init.seed}): they held ${(lostBytes / MiB).toFixed(1)} MiB in ${lostChunks} blobs`)

    // the survivors' counters every second: when repair last did something
    let lastRepairAt = 0
    let lastTotal = -1
    let latest = survivorRepair0
    const progress = (counters: RepairCounters[]): number => sum(counters.map(c => c.repairBytesSent + c.repairBytesFetched + c.chunksRepaired + c.piecesRebuilt))
    const polling = new AbortController()
    const poller = (async () => {
      while (!polling.signal.aborted) {
        const now = await Promise.all(survivors.map(async n => (await vaultStatus(n, 5_000).catch(() => null))?.repair ?? null))
        if (now.every(c => c !== null)) {
          latest = now as RepairCounters[]
          const total = progress(latest)
          if (total !== lastTotal) { lastTotal = total; lastRepairAt = seconds(killedAt) }
        }
        await sleep(1_000)
      }
    })()

    const via = where(survivors[0])
    let restored: Outcome['restored'] = null
    let shortAfterKill: CheckSummary | undefined
    let final = EMPTY_CHECK
    let checks = 0
    while (seconds(killedAt) < init.deadlineSeconds) {
      const from = seconds(killedAt)
      try {
        final = await checkAll(uris, via)
      } catch (err) {
        console.log(`  +${seconds(killedAt).toFixed(0).padStart(3)} s: check failed (${(err as Error).message}); again`)
        await sleep(2_000)
        continue
      }
      const to = seconds(killedAt)
      checks++
      shortAfterKill ??= final
      const sent = repairDelta(survivorRepair0, latest)
      console.log(`  +${to.toFixed(0).padStart(3)} s: ${final.short} units short (${final.repairable} repairable, ${final.lost} lost), repair sent ${(sent.repairBytesSent / MiB).toFixed(0)} MiB, fetched ${(sent.repairBytesFetched / MiB).toFixed(0)} MiB`)
      if (final.repairable === 0) { restored = { from, to }; break }
      await sleep(2_000)
    }
    const windowSeconds = seconds(killedAt)
    const loadAtEnd = loadAverage()
    const cpu = sum(survivors.map(n => cpuMs(pids.get(n.index)))) - cpu0
    polling.abort()
    await poller
    const statusAfter = await Promise.all(survivors.map(async n => await vaultStatus(n)))
    const repair = repairDelta(survivorRepair0, statusAfter.map(s => s.repair))
    const peakRss = Math.max(...survivors.map(n => rss(pids.get(n.index)).peak))

    // every file back, exact
    started = performance.now()
    let exact = 0
    for (const [i, file] of files.entries()) {
      const out = join(dir, `got-${i}.bin`)
      const get = await shoalCliRetrying(['get', uris[i], '-o', out, '--force', '-q', ...via])
      if (get.code === 0 && await sha256File(out) === file.sha256) exact++
      else console.log(`  file ${i}: ${get.code !== 0 ? `get exited ${get.code}: ${get.err.trim().split('\n').pop() ?? ''}` : 'bytes differ'}`)
      await rm(out, { force: true })
    }
    const getSeconds = seconds(started)
    return {
      scheme,
      putSeconds,
      stored,
      units: before.units,
      victims,
      lostBytes,
      lostChunks,
      shortAfterKill: shortAfterKill ?? EMPTY_CHECK,
      restored,
      final,
      checks,
      lastRepairAt,
      repair,
      storedAfter: sum(statusAfter.map(s => s.bytes)),
      cpuMs: cpu,
      idleCpuMsPerSecond,
      windowSeconds,
      exact,
      files: files.length,
      getSeconds,
      peakRss,
      load: [loadAtKill, loadAtEnd],
      logs: dir
    }
  } finally {
    await net.stop()
  }
}

/** The 1-minute load average: on a shared 2-core machine it says how much of the time was the vaults' own. */
function loadAverage (): number {
  return loadavg()[0]
}

function sum (values: number[]): number {
  return values.reduce((a, b) => a + b, 0)
}

function report (o: Outcome, init: RestoreInit): void {
  const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`
  const repaired = o.repair.repairBytesSent / MiB
  const netCpu = o.cpuMs - o.idleCpuMsPerSecond * o.windowSeconds
  const rows: Array<[string, string]> = [
    ['stored before the kill (all vaults)', `${mib(o.stored)} in ${o.units} units (put ${o.putSeconds.toFixed(1)} s)`],
    [`lost: vaults ${o.victims.join(', ')} held`, `${mib(o.lostBytes)} in ${o.lostChunks} blobs`],
    ['first check after the kill', `${o.shortAfterKill.short} units short, ${o.shortAfterKill.lost} not recoverable`],
    ['time to restore (nothing repairable short)', o.restored === null ? `NOT within ${init.deadlineSeconds} s (${o.final.repairable} still short)` : `${o.restored.to.toFixed(1)} s (that check ran from ${o.restored.from.toFixed(1)} s)`],
    ['full redundancy (every unit at target)', o.restored !== null && o.final.short === 0 ? 'yes' : `no: ${o.final.short} short, ${o.final.lost} lost for good${o.final.lostNames.length > 0 ? ` (${o.final.lostNames.slice(0, 3).join('; ')}${o.final.lost > 3 ? '; …' : ''})` : ''}`],
    ['last rise of the repair counters', `${o.lastRepairAt.toFixed(1)} s after the kill`],
    ['repair bytes sent (survivors)', `${mib(o.repair.repairBytesSent)} = ${(o.repair.repairBytesSent / o.lostBytes).toFixed(2)}x lost (${o.repair.chunksRepaired} chunks, ${o.repair.handedOff} handed off)`],
    ['bytes fetched to rebuild stripe pieces', `${mib(o.repair.repairBytesFetched)} (${o.repair.piecesRebuilt} pieces rebuilt, ${o.repair.stripesRepaired} stripes; ${o.repair.stripesUnrecoverable} unrecoverable sightings)`],
    ['repair bytes moved / lost', `${((o.repair.repairBytesSent + o.repair.repairBytesFetched) / o.lostBytes).toFixed(2)}x`],
    ['stored after (survivors)', mib(o.storedAfter)],
    ['survivors\' CPU, kill to restore', `${(o.cpuMs / 1000).toFixed(1)} s in ${o.windowSeconds.toFixed(0)} s; idle rate ${(o.idleCpuMsPerSecond).toFixed(0)} ms/s`],
    ['CPU per MiB repaired (raw / less idle)', repaired > 0 ? `${(o.cpuMs / repaired).toFixed(0)} / ${(netCpu / repaired).toFixed(0)} ms` : 'n/a'],
    ['files exact (sha256) after', `${o.exact} of ${o.files} (get ${o.getSeconds.toFixed(1)} s)`],
    ['vault peak RSS (largest survivor)', mib(o.peakRss)],
    ['checks run after the kill', String(o.checks)],
    ['machine load average (1 min) at kill / end', `${o.load[0].toFixed(1)} / ${o.load[1].toFixed(1)} (2 cores)`]
  ]
  console.log(`\n${o.scheme}:`)
  for (const [name, value] of rows) console.log(`  ${name.padEnd(44)} ${value}`)
}

export async function restoreBench (argv: string[]): Promise<void> {
  const init = parseInit(argv)
  const work = await mkdtemp(join(tmpdir(), 'shoal-restore-'))
  console.log(`restore: ${init.vaults} vaults (--repair-interval ${init.interval}, --repair-bandwidth ${init.bandwidth}/s, --space ${init.space}), ${(init.size / MiB).toFixed(0)} MiB in ${init.files} files of random bytes, kill -9 of ${init.kill} at once (seed ${init.seed}), restore deadline ${init.deadlineSeconds} s; put, check and get through ${init.via === 'node' ? 'a vault\'s API' : 'short-lived clients'}; schemes ${init.schemes.join(', ')}`)
  let failed = false
  try {
    const files = await writeFiles(work, init.size, init.files)
    for (const scheme of init.schemes) {
      try {
        report(await runScheme(scheme, files, init, work), init)
      } catch (err) {
        failed = true
        console.log(`\n${scheme}: FAILED: ${(err as Error).message}`)
      }
    }
  } finally {
    if (init.keep || failed) console.log(`\nwork dir kept: ${work}`)
    else await rm(work, { recursive: true, force: true })
  }
}
