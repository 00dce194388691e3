import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile, truncate, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { partialPaths } from '@shoal/client'
import { parseCapability } from '@shoal/manifest'
import { isOneLineError, shoal, shoalBin } from './helpers/cli.js'

// a real peer ID; these addresses are refused before anyone is dialled
const PEER = '12D3KooWGi6RqM2KQYrZrrRRFuve7Umc5ZhotFqfU5pL9t1PR9oB'
let work = ''
let common: string[] = []
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-cli-'))
  common = ['--vault', join(work, 'vault'), '--data', join(work, 'data')]
})
test.after(async () => { await rm(work, { recursive: true, force: true }) })

test('the shoal executable: put prints the URI as its last stdout line; get writes the exact bytes; exit codes 0 and 2', async () => {
  const data = randomBytes(5 * 1024 * 1024 + 3)
  await writeFile(join(work, 'in.bin'), data)
  const put = await shoal(['put', join(work, 'in.bin'), ...common])
  assert.is(put.code, 0, put.stderr)
  const uri = put.stdout.trim().split('\n').pop() as string
  assert.match(uri, /^shoal:b[a-z2-7]+#[a-z2-7]+$/)
  const get = await shoal(['get', uri, '-o', join(work, 'out.bin'), ...common])
  assert.is(get.code, 0, get.stderr)
  assert.is(sha(await readFile(join(work, 'out.bin'))), sha(data))
  const nowhere = await shoal(['get', uri, '-o', join(work, 'no', 'such', 'dir', 'out.bin'), ...common])
  assert.is(nowhere.code, 2)
  assert.match(nowhere.stderr, /-o: .* is not a directory/)
})

test('get -o - into a reader that stops early (| head) ends quietly with exit 0', async () => {
  await writeFile(join(work, 'big-pipe.bin'), randomBytes(24 * 1024 * 1024))
  const put = await shoal(['put', join(work, 'big-pipe.bin'), ...common])
  const uri = put.stdout.trim().split('\n').pop() as string
  const child = spawn(process.execPath, [shoalBin, 'get', uri, '-o', '-', ...common], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', d => { stderr += d })
  // read the first bytes, then close our end of the pipe, as `head -c` does
  await new Promise<void>(resolve => child.stdout.once('data', () => { child.stdout.destroy(); resolve() }))
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  assert.is(code, 0, stderr)
  assert.is(stderr.trim(), '')
})

test('--help works on every command and exits 0', async () => {
  for (const args of [['--help'], ['put', '--help'], ['get', '--help'], ['ls', '--help']]) {
    const r = await shoal(args)
    assert.is(r.code, 0, args.join(' '))
    assert.match(r.stdout, /Usage: shoal/)
  }
})

test('each command\'s --help shows only the options it uses; none is marked required that is not', async () => {
  const help = async (command: string): Promise<string> => {
    const r = await shoal([command, '--help'])
    assert.is(r.code, 0, r.stderr)
    return r.stdout
  }
  const put = await help('put')
  for (const flag of ['--vault', '--bootstrap', '--data', '--space', '--convergence', '--json', '--quiet', '--name', '--follow-symlinks']) assert.ok(put.includes(flag), `put: ${flag}`)
  const get = await help('get')
  for (const flag of ['--vault', '--bootstrap', '--data', '--output', '--force', '--json', '--quiet', '--allow-escaping-links']) assert.ok(get.includes(flag), `get: ${flag}`)
  for (const flag of ['--space', '--convergence']) assert.not.ok(get.includes(flag), `get: ${flag}`)
  const ls = await help('ls')
  for (const flag of ['--space', '--convergence', '--quiet']) assert.not.ok(ls.includes(flag), `ls: ${flag}`)
  assert.not.match(get + ls + put, /required/)
})

test('usage mistakes exit 2 with one line and no stack trace', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /Usage/],
    [['frobnicate'], /unknown command/],
    [['put'], /missing required argument/],
    [['put', join(work, 'nope.bin'), ...common], /no such file/],
    [['put', join(work, 'in.bin'), '--vault', join(work, 'vault'), '--data', join(work, 'data'), '--space', 'lots'], /--space: 'lots' is not a size/],
    [['put', join(work, 'in.bin'), '--data', join(work, 'data')], /no shoal node is running for data dir .*: start one with 'shoal node --data/],
    [['put', join(work, 'in.bin'), ...common, '--bogus'], /unknown option/],
    [['put', join(work, 'in.bin'), ...common, '--convergence', 'everyone'], /Allowed choices are user, shared/],
    [['get', 'http://example.com/x', '-o', join(work, 'x'), ...common], /scheme/i],
    [['get', 'shoal:bafkreigarbage#nokey', '-o', join(work, 'x'), ...common], /./],
    [['get', 'shoal:' + 'x'.repeat(10_000), '-o', join(work, 'x'), ...common], /./],
    [['get', 'shoal:abc', ...common], /invalid capability/],
    [['put', join(work, 'in.bin'), '--vault', join(work, 'in.bin'), '--data', join(work, 'data')], /--vault: .* is not a directory/],
    [['put', join(work, 'in.bin'), '--bootstrap', `/ip4/999.1.2.3/tcp/1/p2p/${PEER}`, '--data', join(work, 'data')], /--bootstrap: '.*' is not a peer address/],
    [['put', join(work, 'in.bin'), '--bootstrap', `/ip4/127.0.0.1/udp/1/p2p/${PEER}`, '--data', join(work, 'data')], /--bootstrap: '.*' is not a peer address/],
    [['put', join(work, 'in.bin'), '--bootstrap', `/ip4/127.0.0.1/tcp/1/p2p/${PEER}`, '--listen', '/ip4/127.0.0.1/udp/0', '--data', join(work, 'data')], /--listen: '.*' is not a listen address/],
    [['node', '--listen', '/ip4/127.0.0.1/tcp/0/p2p/' + PEER, '--space', '64MiB', '--data', join(work, 'data')], /--listen: '.*' is not a listen address/]
  ]
  for (const [args, message] of cases) {
    const r = await shoal(args)
    assert.is(r.code, 2, `${args.join(' ').slice(0, 80)} → ${r.code}: ${r.stderr}`)
    assert.match(r.stderr, message, args.join(' ').slice(0, 80))
    assert.ok(isOneLineError(r.stderr), r.stderr)
  }
})

test('failures exit 1 with a typed one-line message', async () => {
  const data = randomBytes(2 * 1024 * 1024)
  await writeFile(join(work, 'f.bin'), data)
  const tiny = ['--vault', join(work, 'tiny'), '--data', join(work, 'data'), '--space', '100KiB']
  const full = await shoal(['put', join(work, 'f.bin'), ...tiny])
  assert.is(full.code, 1)
  assert.match(full.stderr, /ERR_NO_SPACE/)
  assert.ok(isOneLineError(full.stderr), full.stderr)

  // A valid URI whose chunks this vault never held.
  const elsewhere = ['--vault', join(work, 'other'), '--data', join(work, 'data')]
  const put = await shoal(['put', join(work, 'f.bin'), ...elsewhere])
  const uri = put.stdout.trim().split('\n').pop() as string
  const missing = await shoal(['get', uri, '-o', join(work, 'missing.bin'), ...common])
  assert.is(missing.code, 1)
  assert.match(missing.stderr, /ERR_CHUNK_NOT_FOUND/)
  assert.ok(isOneLineError(missing.stderr), missing.stderr)

  // A truncated blob on disk.
  const blobs = join(work, 'other', 'blobs')
  for (const a of await readdir(blobs)) {
    for (const b of await readdir(join(blobs, a))) {
      for (const name of await readdir(join(blobs, a, b))) {
        const path = join(blobs, a, b, name)
        if ((await readFile(path)).length > 100_000) await truncate(path, 1000)
      }
    }
  }
  const truncated = await shoal(['get', uri, '-o', join(work, 'trunc.bin'), ...elsewhere])
  assert.is(truncated.code, 1)
  assert.match(truncated.stderr, /ERR_INTEGRITY/)
  assert.ok(isOneLineError(truncated.stderr), truncated.stderr)
  assert.not.ok((await readdir(work)).some(n => n.startsWith('.trunc.bin') || n === 'trunc.bin'), 'no partial output')
})

test('Ctrl-C stops a get with exit 130 and one line, keeps its partial file, and the same get resumes it', async () => {
  const data = randomBytes(96 * 1024 * 1024)
  await writeFile(join(work, 'ctrl-c.bin'), data)
  const put = await shoal(['put', join(work, 'ctrl-c.bin'), ...common])
  assert.is(put.code, 0, put.stderr)
  const uri = put.stdout.trim().split('\n').pop() as string
  const target = join(work, 'ctrl-c.out')
  const partial = partialPaths(target, parseCapability(uri).cid)
  const child = spawn(process.execPath, [shoalBin, 'get', uri, '-o', target, ...common], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', d => { stderr += d })
  const closed = new Promise<number | null>(resolve => child.once('close', resolve))
  while (((await stat(partial.data).catch(() => null))?.size ?? 0) < 8 * 1024 * 1024 && child.exitCode === null) await new Promise(resolve => setTimeout(resolve, 2))
  child.kill('SIGINT')
  const code = await closed
  assert.is(code, 130, `the get was not interrupted (${code}): ${stderr}`)
  assert.is(stderr, 'shoal: interrupted (ERR_INTERRUPTED)\n')
  assert.ok(existsSync(partial.data) && existsSync(partial.state), 'the partial file and its state stay')
  assert.not.ok(existsSync(target))
  const again = await shoal(['get', uri, '-o', target, ...common, '--json'])
  assert.is(again.code, 0, again.stderr)
  assert.ok(JSON.parse(again.stdout).resumedBytes > 0, again.stdout)
  assert.is(Buffer.compare(await readFile(target), data), 0)
  assert.not.ok(existsSync(partial.data) || existsSync(partial.state))
})

test.run()
