// Leases as a user meets them, on real `shoal node` processes over TCP with a short repair
// period: a file put with a short lease is collected by every vault once it runs out (the
// space comes back, a get fails saying what is missing, within a bound), while a file put
// alike and renewed in time still comes back exact. And an rm through a daemon leaves
// leased the blocks another of its kept uploads shares, and says so.
// (durability-cli.test.ts covers rm across two owners and renew's report.)
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { shoal } from './helpers/cli.js'
import { createTestnet, nodeStatus, type Testnet } from './helpers/testnet.js'

const VAULTS = 5
const REPAIR_PERIOD_MS = 2_000
/** Long enough for a put and a renew to finish first: a few seconds, 10-20 s on a loaded machine. */
const SHORT_LEASE_MS = 45_000
/** How long after the lease ends every vault must have collected: a bound, polled. */
const COLLECT_BOUND_MS = 15 * REPAIR_PERIOD_MS
/** A get of a collected file must fail within this, not hang looking for holders. */
const GET_BOUND_MS = 90_000

let net: Testnet | undefined
let work = ''
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const lastLine = (stdout: string): string => stdout.trim().split('\n').pop() as string

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-lease-expiry-'))
  net = await createTestnet({ nodes: VAULTS, space: '64MiB', nodeFlags: ['--repair-interval', `${REPAIR_PERIOD_MS / 1000}s`, '--log-level', 'warn'], startTimeoutMs: 60_000 })
})
test.after(async () => {
  await net?.stop()
  await rm(work, { recursive: true, force: true })
})

interface Vaults { bytes: number, chunks: number, collected: number }

async function vaults (testnet: Testnet): Promise<Vaults> {
  const total = { bytes: 0, chunks: 0, collected: 0 }
  for (const node of testnet.nodes) {
    const status = await nodeStatus(node) as Awaited<ReturnType<typeof nodeStatus>> & { repair: { collected: number } | null }
    total.bytes += status.store.bytes
    total.chunks += status.store.chunks
    total.collected += status.repair?.collected ?? 0
  }
  return total
}

test('a short lease runs out and every vault collects the file (space back, get fails naming what is missing); the same lease renewed in time keeps its file exact', async () => {
  const testnet = net as Testnet
  const as = ['--bootstrap', testnet.bootstrap, '--data', join(work, 'uploader')]
  const expiring = randomBytes(1024 * 1024 + 11)
  const renewed = randomBytes(1024 * 1024 + 13)
  await writeFile(join(work, 'expiring.bin'), expiring)
  await writeFile(join(work, 'renewed.bin'), renewed)
  const before = await vaults(testnet)

  const lease = `${SHORT_LEASE_MS / 1000}s`
  const putRStarted = Date.now()
  const putR = await shoal(['put', join(work, 'renewed.bin'), '--lease', lease, ...as])
  assert.is(putR.code, 0, putR.stderr)
  const renewedUri = lastLine(putR.stdout)
  const renew = await shoal(['renew', renewedUri, '--lease', '1h', '--json', ...as])
  assert.is(renew.code, 0, renew.stderr)
  assert.is(JSON.parse(renew.stdout).notFound, 0, renew.stdout)
  const renewedBy = Date.now() - putRStarted
  assert.ok(renewedBy < SHORT_LEASE_MS, `the renew finished ${renewedBy} ms after the put began, after its lease ran out: the test proves nothing`)
  const putE = await shoal(['put', join(work, 'expiring.bin'), '--lease', lease, ...as])
  assert.is(putE.code, 0, putE.stderr)
  const putEnded = Date.now()
  const expiringUri = lastLine(putE.stdout)
  const held = await vaults(testnet)
  assert.ok(held.bytes >= before.bytes + 3 * (expiring.length + renewed.length), `${held.bytes - before.bytes} bytes stored`)

  // the expiring file's lease ends SHORT_LEASE_MS after its put ended at the latest
  const deadline = putEnded + SHORT_LEASE_MS + COLLECT_BOUND_MS
  let now = held
  while (now.bytes > held.bytes - 3 * expiring.length && Date.now() < deadline) {
    await sleep(500)
    now = await vaults(testnet)
  }
  const freedAfter = Date.now() - putEnded - SHORT_LEASE_MS
  assert.ok(now.bytes <= held.bytes - 3 * expiring.length, `${held.bytes - now.bytes} of ${3 * expiring.length} bytes freed ${COLLECT_BOUND_MS} ms after the lease ended`)
  assert.ok(now.bytes >= before.bytes + 3 * renewed.length, 'the renewed file\'s chunks are all still held')
  assert.ok(now.collected > held.collected, 'the vaults count what they collected')
  console.log(`  expired file freed on every vault within ${Math.max(0, freedAfter)} ms of its lease's end`)

  const getStarted = Date.now()
  const gone = await shoal(['get', expiringUri, '-o', join(work, 'expiring.out'), ...as], { timeoutMs: GET_BOUND_MS })
  assert.is.not(gone.code, 0, 'the get of a collected file fails')
  assert.is.not(gone.code, null, `the get did not end within ${GET_BOUND_MS} ms`)
  assert.match(gone.stderr, /not found/i)
  assert.not.match(gone.stderr, /^\s+at /m, 'no stack trace')
  console.log(`  the get of the collected file failed in ${Date.now() - getStarted} ms: ${gone.stderr.trim().split('\n').pop() ?? ''}`)

  const back = await shoal(['get', renewedUri, '-o', join(work, 'renewed.out'), ...as])
  assert.is(back.code, 0, back.stderr)
  assert.is(sha(await readFile(join(work, 'renewed.out'))), sha(renewed))
})

test('rm through a daemon keeps the blocks another of its kept uploads uses, says how many, and that file still gets exact', async () => {
  const testnet = net as Testnet
  const daemon = ['--data', testnet.nodes[1].dataDir]
  const shared = randomBytes(6 * 1024 * 1024)
  const longer = Buffer.concat([shared, randomBytes(1024 * 1024)])
  await writeFile(join(work, 'shared.bin'), shared)
  await writeFile(join(work, 'longer.bin'), longer)
  const putS = await shoal(['put', join(work, 'shared.bin'), ...daemon])
  assert.is(putS.code, 0, putS.stderr)
  const putL = await shoal(['put', join(work, 'longer.bin'), ...daemon])
  assert.is(putL.code, 0, putL.stderr)
  const [sharedUri, longerUri] = [lastLine(putS.stdout), lastLine(putL.stdout)]

  const removed = await shoal(['rm', sharedUri, ...daemon])
  assert.is(removed.code, 0, removed.stderr)
  const said = /dropped your leases on (\d+) blocks .*; (\d+) kept because another of your files uses them/.exec(removed.stdout)
  assert.ok(said !== null, removed.stdout)
  assert.ok(Number(said[2]) > 0, `blocks kept: ${removed.stdout}`)
  assert.ok(Number(said[1]) > 0, 'its own manifest block and any chunk only it used are dropped')

  const get = await shoal(['get', longerUri, '-o', join(work, 'longer.out'), ...daemon])
  assert.is(get.code, 0, get.stderr)
  assert.is(sha(await readFile(join(work, 'longer.out'))), sha(longer))
  const gone = await shoal(['get', sharedUri, '-o', join(work, 'shared.out'), ...daemon], { timeoutMs: GET_BOUND_MS })
  assert.is.not(gone.code, 0, 'the removed file is gone (its manifest was dropped)')
})

test.run()
