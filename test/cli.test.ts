import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, mkdir, readFile, rm, writeFile, truncate, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { isOneLineError, shoal, shoalBin } from './helpers/cli.js'

let work = ''
let common: string[] = []
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-cli-'))
  common = ['--vault', join(work, 'vault'), '--data', join(work, 'data')]
})
test.after(async () => { await rm(work, { recursive: true, force: true }) })

test('put prints the URI as its last stdout line; get writes the exact bytes', async () => {
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

test('put --json prints one object with uri, size, chunks, newChunks, storedBytes', async () => {
  const data = randomBytes(300_000)
  await writeFile(join(work, 'j.bin'), data)
  const first = await shoal(['put', join(work, 'j.bin'), ...common, '--json'])
  assert.is(first.code, 0, first.stderr)
  const lines = first.stdout.trim().split('\n')
  assert.is(lines.length, 1)
  const out = JSON.parse(lines[0])
  assert.is(out.size, data.length)
  assert.is(out.chunks, 1)
  assert.is(out.newChunks, 2, 'one data chunk and the manifest')
  assert.ok(out.storedBytes > data.length)
  assert.match(out.uri, /^shoal:/)
  const again = JSON.parse((await shoal(['put', join(work, 'j.bin'), ...common, '--json'])).stdout)
  assert.is(again.newChunks, 0)
  assert.is(again.uri, out.uri)
})

test('get -o - streams the file to stdout', async () => {
  await writeFile(join(work, 's.txt'), 'hello, shoal\n')
  const put = await shoal(['put', join(work, 's.txt'), ...common])
  const uri = put.stdout.trim().split('\n').pop() as string
  const get = await shoal(['get', uri, '-o', '-', ...common])
  assert.is(get.code, 0, get.stderr)
  assert.is(get.stdout, 'hello, shoal\n')
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

test('put and ls of a directory; get restores the tree', async () => {
  const dir = join(work, 'tree')
  await mkdir(join(dir, 'sub'), { recursive: true })
  await writeFile(join(dir, 'a.txt'), 'a')
  await writeFile(join(dir, 'sub', 'b.txt'), 'bb')
  const put = await shoal(['put', dir, ...common])
  assert.is(put.code, 0, put.stderr)
  const uri = put.stdout.trim().split('\n').pop() as string
  const ls = await shoal(['ls', uri, ...common, '--json'])
  assert.is(ls.code, 0, ls.stderr)
  const listing = JSON.parse(ls.stdout)
  assert.equal(listing.entries.map((e: { name: string, type: string }) => `${e.type}:${e.name}`), ['file:a.txt', 'directory:sub'])
  const get = await shoal(['get', uri, '-o', join(work, 'tree.out'), ...common])
  assert.is(get.code, 0, get.stderr)
  assert.is(await readFile(join(work, 'tree.out', 'sub', 'b.txt'), 'utf8'), 'bb')
})

test('--help works on every command and exits 0', async () => {
  for (const args of [['--help'], ['put', '--help'], ['get', '--help'], ['ls', '--help']]) {
    const r = await shoal(args)
    assert.is(r.code, 0, args.join(' '))
    assert.match(r.stdout, /Usage: shoal/)
  }
})

test('usage mistakes exit 2 with one line and no stack trace', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /Usage/],
    [['frobnicate'], /unknown command/],
    [['put'], /missing required argument/],
    [['put', join(work, 'nope.bin'), ...common], /no such file/],
    [['put', join(work, 'in.bin'), '--vault', join(work, 'vault'), '--data', join(work, 'data'), '--space', 'lots'], /--space: 'lots' is not a size/],
    [['put', join(work, 'in.bin'), '--data', join(work, 'data')], /no vault given/],
    [['put', join(work, 'in.bin'), ...common, '--bogus'], /unknown option/],
    [['put', join(work, 'in.bin'), ...common, '--convergence', 'everyone'], /Allowed choices are user, shared/],
    [['get', 'http://example.com/x', '-o', join(work, 'x'), ...common], /scheme/i],
    [['get', 'shoal:bafkreigarbage#nokey', '-o', join(work, 'x'), ...common], /./],
    [['get', 'shoal:' + 'x'.repeat(10_000), '-o', join(work, 'x'), ...common], /./],
    [['get', 'shoal:abc', ...common], /required option/],
    [['put', join(work, 'in.bin'), '--vault', join(work, 'in.bin'), '--data', join(work, 'data')], /--vault: .* is not a directory/]
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

test.run()
