// shoal put --redundancy rs:4+2, check [--repair], renew and rm as a user runs them: real
// `shoal node` processes over TCP. Two vaults killed: the file and a Range of it through a
// daemon come back exact, check says short but recoverable, check --repair puts the pieces
// back on live vaults. rm frees space on the holders; a file another identity put too
// (shared convergence) survives the first one's rm, whose charges on the vaults' ledgers end.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { shoal } from './helpers/cli.js'
import { createTestnet, kill, nodeStatus, type Testnet } from './helpers/testnet.js'

let net: Testnet | undefined
let work = ''
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const lastLine = (stdout: string): string => stdout.trim().split('\n').pop() as string

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-durability-cli-'))
  net = await createTestnet({ nodes: 9, space: '128MiB' })
})
test.after(async () => {
  await net?.stop()
  await rm(work, { recursive: true, force: true })
})

/** Bytes the live vaults' ledgers say they store for each uploader (by peer ID) that is not a vault of the testnet. */
async function chargedTo (testnet: Testnet, live: number[]): Promise<Map<string, number>> {
  const statuses = await Promise.all(live.map(async i => await nodeStatus(testnet.nodes[i]) as Awaited<ReturnType<typeof nodeStatus>> & { peerId: string, ledger: Array<{ peer: string, storedFor: number }> }))
  const vaults = new Set(statuses.map(s => s.peerId))
  const charged = new Map<string, number>()
  for (const { ledger } of statuses) {
    for (const { peer, storedFor } of ledger) if (!vaults.has(peer)) charged.set(peer, (charged.get(peer) ?? 0) + storedFor)
  }
  return charged
}

async function storedBytes (testnet: Testnet, live: number[]): Promise<number> {
  let bytes = 0
  for (const i of live) bytes += (await nodeStatus(testnet.nodes[i])).store.bytes
  return bytes
}

test('rs:4+2: two vaults killed → get and a daemon Range read exact, check short but recoverable, check --repair back at target', async () => {
  const testnet = net as Testnet
  const data = randomBytes(6 * 1024 * 1024 + 7)
  await writeFile(join(work, 'rs.bin'), data)
  const at = ['--bootstrap', testnet.bootstrap, '--data', join(work, 'a')]
  const put = await shoal(['put', join(work, 'rs.bin'), '--redundancy', 'rs:4+2', '--json', ...at])
  assert.is(put.code, 0, put.stderr)
  const uri = JSON.parse(lastLine(put.stdout)).uri as string
  const both = await shoal(['put', join(work, 'rs.bin'), '--redundancy', 'rs:4+2', '--replicas', '3', ...at])
  assert.is(both.code, 2, 'both --redundancy and --replicas is a usage error')

  const clean = await shoal(['check', uri, '--json', ...at])
  assert.is(clean.code, 0, clean.stderr)
  const health = JSON.parse(clean.stdout)
  assert.is(health.short, 0, clean.stdout)
  assert.ok(health.units.some((u: { kind: string }) => u.kind === 'stripe'))

  await kill(testnet.nodes[7].process, 'SIGKILL')
  await kill(testnet.nodes[8].process, 'SIGKILL')
  const get = await shoal(['get', uri, '-o', join(work, 'rs.out'), ...at])
  assert.is(get.code, 0, get.stderr)
  assert.is(sha(await readFile(join(work, 'rs.out'))), sha(data))

  // a Range through node 1's daemon, from the middle of the file to near its end
  const token = (await readFile(join(testnet.nodes[1].dataDir, 'api-token'), 'utf8')).trim()
  const start = 1_000_003
  const end = data.length - 100
  const res = await fetch(`${testnet.nodes[1].api}/v1/files/${encodeURIComponent(uri)}`, { headers: { authorization: `Bearer ${token}`, range: `bytes=${start}-${end}` } })
  assert.is(res.status, 206)
  assert.is(sha(new Uint8Array(await res.arrayBuffer())), sha(data.subarray(start, end + 1)))

  const short = await shoal(['check', uri, '--json', ...at])
  assert.is(short.code, 0, short.stderr)
  const shortHealth = JSON.parse(short.stdout)
  assert.ok(shortHealth.recoverable)
  assert.ok(shortHealth.short > 0, short.stdout)

  const repair = await shoal(['check', uri, '--repair', ...at])
  assert.is(repair.code, 0, repair.stderr + repair.stdout)
  const after = await shoal(['check', uri, '--json', ...at])
  assert.is(JSON.parse(after.stdout).short, 0, after.stdout)
})

test('rm frees space on the holders; a file another identity put too (shared convergence) survives it and still gets; renew renews', async () => {
  const testnet = net as Testnet
  const live = [0, 1, 2, 3, 4, 5, 6]
  const data = randomBytes(2 * 1024 * 1024 + 1)
  await writeFile(join(work, 'shared.bin'), data)
  const as = (who: string): string[] => ['--bootstrap', testnet.bootstrap, '--data', join(work, who)]
  const before = await storedBytes(testnet, live)
  const uploaders = new Set((await chargedTo(testnet, live)).keys())
  const putB = await shoal(['put', join(work, 'shared.bin'), '--convergence', 'shared', '--lease', '30d', ...as('b')])
  assert.is(putB.code, 0, putB.stderr)
  const uri = lastLine(putB.stdout)
  const b = [...(await chargedTo(testnet, live)).entries()].find(([peer, bytes]) => !uploaders.has(peer) && bytes > 0)?.[0]
  assert.ok(b !== undefined, 'the vaults charge B for what they store for it')
  const putC = await shoal(['put', join(work, 'shared.bin'), '--convergence', 'shared', ...as('c')])
  assert.is(lastLine(putC.stdout), uri)
  const stored = await storedBytes(testnet, live)
  assert.ok(stored >= before + 3 * data.length, `${stored - before} bytes stored`)

  const renew = await shoal(['renew', uri, '--lease', '120d', '--json', ...as('b')])
  assert.is(renew.code, 0, renew.stderr)
  assert.is(JSON.parse(renew.stdout).notFound, 0)

  const rmB = await shoal(['rm', uri, ...as('b')])
  assert.is(rmB.code, 0, rmB.stderr)
  const get = await shoal(['get', uri, '-o', join(work, 'shared.out'), ...as('d')])
  assert.is(get.code, 0, get.stderr)
  assert.is(sha(await readFile(join(work, 'shared.out'))), sha(data))
  assert.ok(await storedBytes(testnet, live) >= stored - 1024, 'C still leases every chunk')
  const charged = await chargedTo(testnet, live)
  assert.is(charged.get(b), 0, 'B is no longer charged for the chunks it dropped')
  const c = [...charged.entries()].find(([peer, bytes]) => peer !== b && !uploaders.has(peer) && bytes > 0)
  assert.ok(c !== undefined && c[1] >= 3 * data.length, `C is charged for every copy: ${JSON.stringify([...charged])}`)

  const rmC = await shoal(['rm', uri, '--json', ...as('c')])
  assert.is(rmC.code, 0, rmC.stderr)
  assert.ok(JSON.parse(rmC.stdout).done > 0)
  assert.ok(await storedBytes(testnet, live) <= stored - 3 * data.length, 'the last owner\'s rm frees the space')
})

test.run()
