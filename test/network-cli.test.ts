import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isOneLineError, shoal } from './helpers/cli.js'
import { createTestnet, kill, type Testnet } from './helpers/testnet.js'

// A peer address nobody listens on: a real peer ID, a port on a loopback host we never use.
const DOWN = '/ip4/127.0.0.250/tcp/9/p2p/12D3KooWGi6RqM2KQYrZrrRRFuve7Umc5ZhotFqfU5pL9t1PR9oB'

let net: Testnet | undefined
let work = ''
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const lastLine = (stdout: string): string => stdout.trim().split('\n').pop() as string

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-network-cli-'))
  net = await createTestnet({ nodes: 5 })
})
test.after(async () => {
  await net?.stop()
  await rm(work, { recursive: true, force: true })
})

test('shoal node prints its peer ID and full addresses; the testnet has 5 of them', () => {
  assert.is(net?.nodes.length, 5)
  for (const [i, node] of (net?.nodes ?? []).entries()) {
    assert.match(node.peerId, /^12D3Koo/)
    assert.ok(node.address.startsWith(`/ip4/127.0.0.${2 + i}/tcp/`), node.address)
    assert.ok(node.address.endsWith(`/p2p/${node.peerId}`), node.address)
  }
})

test('the shoal executable through the network: put through one node, get through another; still after kill -9 of two vaults', async () => {
  const testnet = net as Testnet
  const data = randomBytes(5 * 1024 * 1024 + 11)
  await writeFile(join(work, 'big.bin'), data)
  const put = await shoal(['put', join(work, 'big.bin'), '--bootstrap', testnet.bootstrap, '--data', join(work, 'data'), '--json'])
  assert.is(put.code, 0, put.stderr)
  const out = JSON.parse(lastLine(put.stdout))
  assert.is(out.size, data.length)

  const via = testnet.nodes[1].address
  const get = await shoal(['get', out.uri, '--bootstrap', via, '--data', join(work, 'reader'), '-o', join(work, 'big.out')])
  assert.is(get.code, 0, get.stderr)
  assert.is(sha(await readFile(join(work, 'big.out'))), sha(data))

  // r = 3: any chunk keeps at least one live holder when two vaults die without warning
  await kill(testnet.nodes[3].process, 'SIGKILL')
  await kill(testnet.nodes[4].process, 'SIGKILL')
  const after = await shoal(['get', out.uri, '--bootstrap', via, '--data', join(work, 'reader'), '-o', join(work, 'big2.out')])
  assert.is(after.code, 0, after.stderr)
  assert.is(sha(await readFile(join(work, 'big2.out'))), sha(data))
})

test('shoal node stops cleanly on SIGTERM with exit 0', async () => {
  const testnet = net as Testnet
  const code = await kill(testnet.nodes[2].process, 'SIGTERM')
  assert.is(code, 0)
})

test('shoal node with only a down bootstrap address: one line, exit 1, in bounded time', async () => {
  const started = Date.now()
  const r = await shoal(['node', '--data', join(work, 'lonely'), '--listen', '/ip4/127.0.0.20/tcp/0', '--space', '64MiB', '--bootstrap', DOWN], { timeoutMs: 30_000 })
  assert.is(r.code, 1, r.stderr)
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`)
  assert.ok(isOneLineError(r.stderr), r.stderr)
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr)
  assert.match(r.stderr, /ERR_BOOTSTRAP/)
  assert.is(r.stdout, '')
})

test('put with a down bootstrap address: one line, exit 1', async () => {
  await writeFile(join(work, 'small.txt'), 'hi\n')
  const r = await shoal(['put', join(work, 'small.txt'), '--bootstrap', DOWN, '--data', join(work, 'data')], { timeoutMs: 30_000 })
  assert.is(r.code, 1, r.stderr)
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr)
  assert.match(r.stderr, /ERR_BOOTSTRAP/)
})

test('bad flags: exit 2 with one line', async () => {
  const noSpace = await shoal(['node', '--listen', '/ip4/127.0.0.21/tcp/0', '--data', join(work, 'x')])
  assert.is(noSpace.code, 2)
  const badListen = await shoal(['node', '--listen', 'localhost:4001', '--space', '64MiB', '--data', join(work, 'x')])
  assert.is(badListen.code, 2)
  assert.is(badListen.stderr.trim().split('\n').length, 1, badListen.stderr)
  const badBootstrap = await shoal(['put', join(work, 'small.txt'), '--bootstrap', '/ip4/127.0.0.2/udp/1', '--data', join(work, 'data')])
  assert.is(badBootstrap.code, 2)
  assert.match(badBootstrap.stderr, /--bootstrap/)
  const neither = await shoal(['put', join(work, 'small.txt'), '--data', join(work, 'data')])
  assert.is(neither.code, 2)
  assert.match(neither.stderr, /--vault.*--bootstrap/)
})

test.run()
