// A node whose disk cannot hold its --space, for real: `shoal node --space 1GiB` on a
// 20 MiB file system (a tmpfs mounted for the test, as root). It warns at start, status
// and /metrics report what the disk has free, and a put the disk cannot take is refused
// in one line saying why, and logged. And a vault restarted with a --space smaller than
// what it holds warns that it takes no new chunks (any disk).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isOneLineError, shoal } from './helpers/cli.js'
import { jsonLog, startNode, until } from './helpers/node.js'

const MiB = 1024 * 1024
const root = process.getuid?.() === 0
let work = ''
let mount = ''

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-node-disk-'))
  if (!root) return
  mount = await mkdtemp(join(tmpdir(), 'shoal-small-disk-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', mount])
})
test.after(async () => {
  if (mount !== '') {
    execFileSync('umount', [mount])
    await rm(mount, { recursive: true, force: true })
  }
  await rm(work, { recursive: true, force: true })
})

const skip = (): boolean => {
  if (!root) console.log('  skipped: mounting a small tmpfs needs root')
  return !root
}

async function api (dataDir: string, url: string, path: string): Promise<Response> {
  const token = (await readFile(join(dataDir, 'api-token'), 'utf8')).trim()
  return await fetch(url + path, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) })
}

test('--space 1GiB on a 20 MiB disk: a warning at start, the free disk in status and /metrics, a put it cannot take refused and logged', async () => {
  if (skip()) return
  const data = join(mount, 'node')
  const node = await startNode(['--space', '1GiB', '--data', data, '--listen', '/ip4/127.0.0.65/tcp/0', '--replicas', '1', '--log-format', 'json'])
  try {
    const warned = jsonLog(node).filter(l => l.level === 'warn')
    assert.is(warned.length, 1, node.stderr())
    assert.match(warned[0].msg as string, /^the vault's disk has 1\d\.\d MiB free, too little for the 1\.0 GiB --space offers \(0 B held\): chunks will be refused once it is full$/)
    assert.is(warned[0].space, 1024 * MiB)
    assert.is(warned[0].vault, join(data, 'vault'))
    const diskFree = warned[0].diskFree as number
    assert.ok(diskFree > 10 * MiB && diskFree < 20 * MiB, `diskFree ${diskFree}`)

    const status = await shoal(['status', '--data', data, '--json'])
    assert.is(status.code, 0, status.stderr)
    const store = JSON.parse(status.stdout).store
    assert.is(store.space, 1024 * MiB)
    assert.ok(Math.abs(store.diskFree - diskFree) < MiB, `status diskFree ${store.diskFree}, at start ${diskFree}`)
    const text = await shoal(['status', '--data', data])
    assert.match(text.stdout, /^disk {4}1\d\.\d MiB free; the vault can take 1\d\.\d MiB more, less than --space offers$/m)
    const metrics = await (await api(data, node.api, '/metrics')).text()
    const gauge = Number(/^shoal_store_disk_free_bytes (\d+)$/m.exec(metrics)?.[1])
    assert.ok(Math.abs(gauge - diskFree) < MiB, `metric ${gauge}`)
    const api1 = await (await api(data, node.api, '/v1/status')).json() as { store: { diskFree: number } }
    assert.ok(Math.abs(api1.store.diskFree - diskFree) < MiB)

    await writeFile(join(work, 'big.bin'), randomBytes(32 * MiB))
    const put = await shoal(['put', join(work, 'big.bin'), '--data', data])
    assert.is(put.code, 1, put.stderr)
    assert.ok(isOneLineError(put.stderr), put.stderr)
    assert.match(put.stderr, /^shoal: not enough space on the network: chunk \S+ is held by 0 of 1 wanted peers: no other peer could take it \(1 full\) \(ERR_INSUFFICIENT_HOLDERS\)$/m)
    await until(() => jsonLog(node).some(l => l.route === 'POST /v1/files'), 'the refused upload in the log')
    const refused = jsonLog(node).find(l => l.route === 'POST /v1/files')
    assert.is(refused?.level, 'warn')
    assert.is(refused?.status, 507)
    assert.match(refused?.msg as string, /^POST \/v1\/files refused: not enough space on the network: /)
    const after = JSON.parse((await shoal(['status', '--data', data, '--json'])).stdout).store
    // the refused chunk (4 MiB + 16 B at most) needed more than the disk had left
    assert.ok(after.chunks > 0 && after.diskFree < 4 * MiB + 16, JSON.stringify(after))
  } finally {
    assert.is(await node.stop(), 0)
  }
})

test('a vault restarted with less --space than it holds warns at start that it takes no new chunks', async () => {
  const data = join(work, 'shrunk')
  const args = ['--data', data, '--listen', '/ip4/127.0.0.65/tcp/0', '--replicas', '1', '--log-format', 'json']
  const first = await startNode(['--space', '64MiB', ...args])
  try {
    await writeFile(join(work, 'ten.bin'), randomBytes(10 * MiB))
    const put = await shoal(['put', join(work, 'ten.bin'), '--data', data])
    assert.is(put.code, 0, put.stderr)
    assert.equal(jsonLog(first).filter(l => l.level === 'warn'), [], first.stderr())
  } finally {
    assert.is(await first.stop(), 0)
  }
  const second = await startNode(['--space', '8MiB', ...args])
  try {
    const warned = jsonLog(second).filter(l => l.level === 'warn')
    assert.is(warned.length, 1, second.stderr())
    assert.match(warned[0].msg as string, /^the vault holds 10\.0 MiB, more than the 8\.0 MiB --space offers: it takes no new chunks$/)
    assert.is(warned[0].space, 8 * MiB)
  } finally {
    assert.is(await second.stop(), 0)
  }
})

test.run()
