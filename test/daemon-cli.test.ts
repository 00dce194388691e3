// The shoal executable through the daemon of a data dir (no --bootstrap, no --vault),
// against a 4-process testnet: the CLI finds each node's API from its data dir. Round
// trips of every kind are the shared suite's (backend-daemon.test.ts); here: a get that
// continues what a daemon-mode get left (the prefix and its state), status, peers, and a
// daemon that is down.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { randomBytes } from 'node:crypto'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { partialPaths } from '@shoal/client'
import { parseCapability } from '@shoal/manifest'
import { isOneLineError, shoal, shoalBin } from './helpers/cli.js'
import { cli } from './helpers/in-process.js'
import { createTestnet, type Testnet } from './helpers/testnet.js'

let net: Testnet
let work = ''
const data = randomBytes(5 * 1024 * 1024 + 77)
let uri = ''
const lastLine = (stdout: string): string => stdout.trim().split('\n').pop() as string
/** Where a get of `uri` to `target` keeps its partial bytes and their state, in every mode. */
const partialOf = (target: string, uri: string): { data: string, state: string } => partialPaths(target, parseCapability(uri).cid)
/** What an interrupted get through a daemon leaves: a prefix of the file, and a state that vouches for it. */
async function writePrefix (target: string, uri: string, bytes: Uint8Array): Promise<string> {
  const partial = partialOf(target, uri)
  await writeFile(partial.data, bytes)
  await writeFile(partial.state, JSON.stringify({ version: 1, kind: 'prefix', cid: parseCapability(uri).cid.toString(), bytes: bytes.length }))
  return partial.data
}

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-daemon-cli-'))
  net = await createTestnet({ nodes: 4 })
})
test.after(async () => {
  await net?.stop()
  await rm(work, { recursive: true, force: true })
})

test('put through node A\'s daemon and get through node D\'s: same bytes', async () => {
  const [a, , , d] = net.nodes
  await writeFile(join(work, 'big.bin'), data)
  const put = await shoal(['put', join(work, 'big.bin'), '--data', a.dataDir])
  assert.is(put.code, 0, put.stderr)
  assert.ok(put.stderr.includes(`through ${a.api}`), put.stderr)
  uri = lastLine(put.stdout)
  assert.match(uri, /^shoal:/)

  const again = await shoal(['put', join(work, 'big.bin'), '--data', a.dataDir, '--json'])
  assert.is(again.code, 0, again.stderr)
  const out = JSON.parse(lastLine(again.stdout))
  assert.equal(Object.keys(out), ['uri', 'size', 'chunks', 'manifests', 'newChunks', 'storedBytes', 'seconds', 'skipped'])
  assert.is(out.uri, uri) // the daemon's convergence secret: the same file, the same URI
  assert.is(out.size, data.length)

  const get = await shoal(['get', uri, '--data', d.dataDir, '-o', join(work, 'big.out'), '--json'])
  assert.is(get.code, 0, get.stderr)
  assert.is(JSON.parse(lastLine(get.stdout)).resumedBytes, 0)
  assert.is(Buffer.compare(await readFile(join(work, 'big.out')), data), 0)
  assert.equal((await readdir(work)).filter(name => name.endsWith('.part')), [])
})

test('an interrupted directory get resumes: complete files are kept, the partial one continues with Range', async () => {
  const [a, , c] = net.nodes
  const dir = join(work, 'tree2')
  await mkdir(join(dir, 'sub'), { recursive: true })
  const first = randomBytes(200_000)
  const second = randomBytes(1024 * 1024 + 9)
  await writeFile(join(dir, 'a.bin'), first)
  await writeFile(join(dir, 'sub', 'b.bin'), second)
  const put = await shoal(['put', dir, '--data', a.dataDir])
  assert.is(put.code, 0, put.stderr)
  const dirUri = lastLine(put.stdout)
  const top = JSON.parse((await shoal(['ls', dirUri, '--data', c.dataDir, '--json'])).stdout) as { entries: Array<{ name: string, uri: string }> }
  const subUri = top.entries.find(e => e.name === 'sub')?.uri as string
  const sub = JSON.parse((await shoal(['ls', subUri, '--data', c.dataDir, '--json'])).stdout) as { entries: Array<{ name: string, uri: string }> }
  const bUri = sub.entries.find(e => e.name === 'b.bin')?.uri as string

  // what an interrupted get of it to tree2.out leaves: its temp dir (named from the URI)
  // with a.bin complete and a prefix of sub/b.bin under b.bin's own partial name
  const target = join(work, 'tree2.out')
  const temp = partialOf(target, dirUri).data
  await mkdir(join(temp, 'sub'), { recursive: true })
  await writeFile(join(temp, 'a.bin'), first)
  const prefix = 700_000
  await writePrefix(join(temp, 'sub', 'b.bin'), bUri, second.subarray(0, prefix))

  const get = await shoal(['get', dirUri, '--data', c.dataDir, '-o', target, '--json'])
  assert.is(get.code, 0, get.stderr)
  const out = JSON.parse(lastLine(get.stdout))
  assert.is(out.type, 'directory')
  assert.is(out.files, 2)
  assert.is(out.size, first.length + second.length)
  assert.is(out.resumedBytes, first.length + prefix)
  assert.is(Buffer.compare(await readFile(join(target, 'a.bin')), first), 0)
  assert.is(Buffer.compare(await readFile(join(target, 'sub', 'b.bin')), second), 0)
  assert.equal((await readdir(join(target, 'sub'))), ['b.bin'])
  assert.not.ok(existsSync(temp))
})

test('get resumes from a partial temp file with Range and ends with the exact file', async () => {
  const d = net.nodes[3]
  const target = join(work, 'resumed.bin')
  // what an interrupted get leaves: a prefix under the name derived from the URI
  const partial = await writePrefix(target, uri, data.subarray(0, 3 * 1024 * 1024 + 5))
  const get = await shoal(['get', uri, '--data', d.dataDir, '-o', target, '--json'])
  assert.is(get.code, 0, get.stderr)
  const out = JSON.parse(lastLine(get.stdout))
  assert.is(out.resumedBytes, 3 * 1024 * 1024 + 5)
  assert.is(out.size, data.length)
  assert.is(Buffer.compare(await readFile(target), data), 0)
  assert.not.ok(existsSync(partial))

  // -o - streams to stdout (read as bytes here: the cli helper decodes text)
  const child = spawn(process.execPath, [shoalBin, 'get', uri, '--data', d.dataDir, '-o', '-'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const parts: Buffer[] = []
  child.stdout.on('data', (part: Buffer) => parts.push(part))
  const [code] = await once(child, 'close') as [number]
  assert.is(code, 0)
  assert.is(Buffer.compare(Buffer.concat(parts), data), 0)
})

test('a get that died between its last write and the rename finishes from the whole prefix, mode and mtime included', async () => {
  const [a, , , d] = net.nodes
  const file = join(work, 'whole.bin')
  const bytes = randomBytes(300_000)
  await writeFile(file, bytes)
  await chmod(file, 0o604)
  const old = new Date('1999-12-31T23:59:59.250Z')
  await utimes(file, old, old)
  const put = await shoal(['put', file, '--data', a.dataDir])
  assert.is(put.code, 0, put.stderr)
  const fileUri = lastLine(put.stdout)
  const target = join(work, 'whole.out')
  // the partial already holds every byte: the daemon answers the Range with 416
  await writePrefix(target, fileUri, bytes)
  const get = await shoal(['get', fileUri, '--data', d.dataDir, '-o', target, '--json'])
  assert.is(get.code, 0, get.stderr)
  assert.is(JSON.parse(lastLine(get.stdout)).resumedBytes, bytes.length)
  assert.is(Buffer.compare(await readFile(target), bytes), 0)
  const got = await stat(target)
  assert.is(got.mode & 0o777, 0o604)
  assert.is(Math.floor(got.mtimeMs), old.getTime())
})

test('a partial left by a get without a daemon is not trusted by one through a daemon, nor the other way round', async () => {
  const d = net.nodes[3]
  const big = randomBytes(40 * 1024 * 1024)
  await writeFile(join(work, 'cross.bin'), big)
  const put = await cli(['put', join(work, 'cross.bin'), '--data', net.nodes[0].dataDir])
  assert.is(put.code, 0, put.stderr)
  const bigUri = lastLine(put.stdout)
  const target = join(work, 'cross.out')
  const partial = partialOf(target, bigUri)
  const network = ['--bootstrap', net.bootstrap, '--data', join(work, 'client')]
  const daemon = ['--data', d.dataDir]
  for (const [first, second] of [[network, daemon], [daemon, network]]) {
    const stop = new AbortController()
    const watching = (async () => {
      while (!stop.signal.aborted) {
        if (((await stat(partial.data).catch(() => null))?.size ?? 0) >= 4 * 1024 * 1024) stop.abort()
        await new Promise(resolve => setTimeout(resolve, 2))
      }
    })()
    const interrupted = await cli(['get', bigUri, '-o', target, ...first], { signal: stop.signal })
    stop.abort()
    await watching
    assert.is(interrupted.code, 130, interrupted.stderr)
    assert.ok(existsSync(partial.state), 'a state was left')
    const other = await cli(['get', bigUri, '-o', target, ...second, '--json'])
    assert.is(other.code, 0, other.stderr)
    assert.is(JSON.parse(other.stdout).resumedBytes, 0, 'started over')
    assert.is(Buffer.compare(await readFile(target), big), 0)
    assert.not.ok(existsSync(partial.data) || existsSync(partial.state))
    await rm(target)
  }
})

test('shoal status --json and shoal peers --json describe the node of the data dir', async () => {
  const b = net.nodes[1]
  const status = await shoal(['status', '--data', b.dataDir, '--json'])
  assert.is(status.code, 0, status.stderr)
  const s = JSON.parse(status.stdout)
  assert.is(s.peerId, b.peerId)
  assert.ok(s.addresses.includes(b.address))
  assert.is(s.api, b.api)
  assert.ok(s.peers >= 1)
  assert.is(typeof s.store.chunks, 'number')
  assert.is(s.store.space, 256 * 1024 * 1024)
  const text = await shoal(['status', '--data', b.dataDir])
  assert.is(text.code, 0, text.stderr)
  assert.ok(text.stdout.includes(b.peerId) && text.stdout.includes(b.api), text.stdout)

  const peers = await shoal(['peers', '--data', b.dataDir, '--json'])
  assert.is(peers.code, 0, peers.stderr)
  const list = JSON.parse(peers.stdout) as Array<{ peerId: string, addresses: string[] }>
  const known = new Set(net.nodes.map(n => n.peerId))
  assert.ok(list.length >= 1)
  for (const peer of list) assert.ok(known.has(peer.peerId) && peer.peerId !== b.peerId, peer.peerId)
})

test('a daemon that is down (stale api.json) is one clear error, exit 1; no daemon at all is too; a malformed --api is a usage error', async () => {
  const stale = join(work, 'stale')
  await mkdir(stale)
  const port = await freePort()
  await writeFile(join(stale, 'api.json'), JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: 999999 }))
  await writeFile(join(stale, 'api-token'), randomBytes(32).toString('base64url'), { mode: 0o600 })
  for (const args of [['status'], ['peers'], ['put', join(work, 'big.bin')], ['get', uri, '-o', join(work, 'never')], ['ls', uri]]) {
    const r = await shoal([...args, '--data', stale])
    assert.is(r.code, 1, `${args[0]}: ${r.stderr}`)
    assert.ok(isOneLineError(r.stderr) && r.stderr.trim().split('\n').length === 1, r.stderr)
    assert.ok(r.stderr.includes(stale) && r.stderr.includes('ERR_DAEMON_UNREACHABLE'), r.stderr)
  }
  const none = join(work, 'none')
  const status = await shoal(['status', '--data', none])
  assert.is(status.code, 1)
  assert.ok(status.stderr.includes('ERR_NO_DAEMON') && status.stderr.includes(none), status.stderr)
  for (const api of ['nope', '127.0.0.1', '127.0.0.1:99999', 'example.com:80', '::1:80']) {
    const node = await shoal(['node', '--listen', '/ip4/127.0.0.2/tcp/0', '--space', '64MiB', '--data', join(work, 'bad-api'), '--api', api])
    assert.is(node.code, 2, `${api}: ${node.stderr}`)
    assert.ok(node.stderr.includes('--api'), node.stderr)
  }
  // put without a daemon, --vault or --bootstrap keeps its usage error
  const put = await shoal(['put', join(work, 'big.bin'), '--data', none])
  assert.is(put.code, 2, put.stderr)
})

/** A port nothing listens on: bound, then released. */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

test.run()
