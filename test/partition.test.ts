// Partition and heal (issue 15): 8 vaults, each in its own network namespace (root only),
// repairing every 10 s. The network is cut 4|4 and files are put through a node on each
// side; then it is healed. Every file must then come back exact from every node, and
// `shoal check --json` must find every chunk at its target within two repair periods.
// Traffic goes only to the namespaces' 198.18.0.x addresses, which have no route out.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { netnsUnavailable, statusesIn } from '@shoal/cli'
import { createTestnet, type Testnet } from './helpers/testnet.js'

const PERIOD_MS = 10_000
const SIDE_A = [0, 1, 2, 3]
const SIDE_B = [4, 5, 6, 7]
const KiB = 1024

const unavailable = await netnsUnavailable()
if (unavailable !== null) console.log(`  partition test skipped: ${unavailable}`)

let net: Testnet
let work = ''
const files: Array<{ name: string, bytes: Buffer, uri: string, side: 'A' | 'B' }> = []

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const lastLine = (stdout: string): string => stdout.trim().split('\n').pop() as string
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** `shoal ARGS` in node i's namespace, through node i's own API (its data dir). */
async function through (i: number, args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  if (net.shoalIn === undefined) throw new Error('not a namespaced testnet')
  return await net.shoalIn(i, [...args, '--data', net.nodes[i].dataDir], { timeoutMs: 120_000 })
}

/** `fn` over `items`, `width` at a time. */
async function inParallel<T> (items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({ length: width }, async () => { for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item) }))
}

test.before(async () => {
  if (unavailable !== null) return
  work = await mkdtemp(join(tmpdir(), 'shoal-partition-'))
  // uvu does not say why a hook failed: said here
  net = await createTestnet({ nodes: 8, netns: true, nodeFlags: ['--repair-interval', `${PERIOD_MS / 1000}s`, '--log-level', 'warn'], startTimeoutMs: 60_000 })
    .catch(err => { console.error(`  the namespaced testnet did not start: ${(err as Error).message}`); throw err })
})
test.after(async () => {
  await net?.stop()
  await rm(work, { recursive: true, force: true })
})

const run = unavailable === null ? test : test.skip

run('cut 4|4: each side stores files put through one of its nodes, and cannot reach the other side', async () => {
  await net.lab?.cut([SIDE_A, SIDE_B])
  // the cut is real: from side B, no API of side A answers
  const across = await statusesIn(net.lab!, SIDE_B[0], SIDE_A.map(i => net.nodes[i]), 3_000)
  assert.equal(across, SIDE_A.map(() => null))

  // all four at once: a put across a cut waits out its dials to the other side
  const puts = (['A', 'B'] as const).flatMap(side => [200 * KiB, 1300 * KiB].map(size => ({ side, size, via: side === 'A' ? SIDE_A[1] : SIDE_B[1] })))
  await Promise.all(puts.map(async ({ side, size, via }) => {
    const name = `${side}-${size}.bin`
    const bytes = randomBytes(size)
    await writeFile(join(work, name), bytes)
    const started = Date.now()
    const put = await through(via, ['put', join(work, name), '--json'])
    assert.is(put.code, 0, `put ${name} on side ${side}: ${put.stderr}`)
    console.log(`  put ${name} through node ${via} during the cut: ${((Date.now() - started) / 1000).toFixed(1)} s`)
    files.push({ name, bytes, uri: JSON.parse(lastLine(put.stdout)).uri, side })
  }))
  // a put that only seemed to work would show here: each side reads its own files back
  for (const file of files) {
    const reader = file.side === 'A' ? SIDE_A[3] : SIDE_B[3]
    const out = join(work, `cut-${file.name}`)
    const get = await through(reader, ['get', file.uri, '-o', out])
    assert.is(get.code, 0, `get ${file.name} on its side: ${get.stderr}`)
    assert.is(sha(await readFile(out)), sha(file.bytes), file.name)
  }
})

run('healed: every chunk at target within two repair periods, every file exact from every node', async () => {
  await net.lab?.heal()
  const healed = Date.now()
  const short = async (): Promise<string[]> => {
    const found: string[] = []
    for (const file of files) {
      const check = await through(0, ['check', file.uri, '--json'])
      const health = JSON.parse(lastLine(check.stdout) || '{}') as { short?: number, recoverable?: boolean }
      if (check.code !== 0 || health.short !== 0) found.push(`${file.name}: ${health.short ?? '?'} short${health.recoverable === false ? ', unrecoverable' : ''}${check.code !== 0 ? ` (${check.stderr.trim()})` : ''}`)
    }
    return found
  }
  // a bounded wait, not a timed assertion: the question is whether it gets there
  let left = await short()
  while (left.length > 0 && Date.now() < healed + 2 * PERIOD_MS) {
    await sleep(2_000)
    left = await short()
  }
  console.log(`  after the heal: ${left.length === 0 ? 'every chunk at target' : left.join('; ')} ${((Date.now() - healed) / 1000).toFixed(0)} s on`)
  assert.equal(left, [], 'chunks below target two repair periods after the heal')

  const started = Date.now()
  const reads = net.nodes.flatMap(node => files.map(file => ({ node: node.index, file })))
  await inParallel(reads, 4, async ({ node, file }) => {
    const out = join(work, `healed-${node}-${file.name}`)
    const get = await through(node, ['get', file.uri, '-o', out])
    assert.is(get.code, 0, `get ${file.name} (put on side ${file.side}) through node ${node}: ${get.stderr}`)
    assert.is(sha(await readFile(out)), sha(file.bytes), `${file.name} through node ${node}`)
  })
  console.log(`  ${reads.length} gets, every file through every node, exact: ${((Date.now() - started) / 1000).toFixed(0)} s`)
})

test.run()
