// How a data command picks where the data is (--vault, --bootstrap, or the node of the data
// dir), and what it says when the choice is wrong or missing; Ctrl-C ends every mode alike.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cli } from './helpers/in-process.js'
import { shoalBin } from './helpers/cli.js'
import { createTestnet } from './helpers/testnet.js'

let work = ''
const uri = 'shoal:bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku#' + 'a'.repeat(52)

test.before(async () => { work = await mkdtemp(join(tmpdir(), 'shoal-choice-')) })
test.after(async () => { await rm(work, { recursive: true, force: true }) })

test('get and ls with a --vault that does not exist say so and make nothing; put makes the vault', async () => {
  const typo = join(work, 'vualt')
  for (const args of [['get', uri, '-o', join(work, 'out')], ['ls', uri]]) {
    const r = await cli([...args, '--vault', typo, '--data', join(work, 'data')])
    assert.is(r.code, 2, r.stderr)
    assert.is(r.stderr, `shoal: --vault: ${typo} is not a vault (nothing was ever put there)\n`)
    assert.not.ok(existsSync(typo), 'no vault was created')
  }
  const empty = join(work, 'empty-dir')
  await mkdir(empty)
  const inEmpty = await cli(['ls', uri, '--vault', empty, '--data', join(work, 'data')])
  assert.is(inEmpty.code, 2, 'an existing directory that holds no vault is not one either')
  assert.equal(await readdir(empty), [], 'and stays empty')
  await writeFile(join(work, 'a.txt'), 'a')
  const put = await cli(['put', join(work, 'a.txt'), '--vault', typo, '--data', join(work, 'data')])
  assert.is(put.code, 0, put.stderr)
  assert.ok((await stat(typo)).isDirectory(), 'put made the vault')
})

test('--vault together with --bootstrap is refused, not one of them silently ignored', async () => {
  const r = await cli(['ls', uri, '--vault', join(work, 'v'), '--bootstrap', '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWQexwCsjMiH1ckD7oosBs4PAiDvAWYFQroLPPZQQhEac5', '--data', join(work, 'data')])
  assert.is(r.code, 2, r.stderr)
  assert.match(r.stderr, /^shoal: --vault and --bootstrap name two places for the data: give one/)
})

test('put, get and ls with a data dir whose node is not running say how to start one', async () => {
  const data = join(work, 'no-node')
  await writeFile(join(work, 'b.txt'), 'b')
  for (const args of [['put', join(work, 'b.txt')], ['get', uri, '-o', join(work, 'b.out')], ['ls', uri]]) {
    const r = await cli([...args, '--data', data])
    assert.is(r.code, 2, r.stderr)
    assert.is(r.stderr, `shoal: no shoal node is running for data dir ${data}: start one with 'shoal node --data ${data}', or pass --vault DIR (a local vault) or --bootstrap MULTIADDR (the network, without a node)\n`)
  }
})

test('Ctrl-C of a get through a daemon exits 130 with one line, as in the other modes', async () => {
  const net = await createTestnet({ nodes: 1 })
  try {
    const data = randomBytes(64 * 1024 * 1024)
    await writeFile(join(work, 'big.bin'), data)
    const node = net.nodes[0]
    const put = await cli(['put', join(work, 'big.bin'), '--data', node.dataDir, '--replicas', '1'])
    assert.is(put.code, 0, put.stderr)
    const big = put.stdout.trim().split('\n').pop() as string
    const target = join(work, 'big.out')
    const child = spawn(process.execPath, [shoalBin, 'get', big, '-o', target, '--data', node.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', d => { stderr += d })
    const closed = new Promise<number | null>(resolve => child.once('close', resolve))
    // once bytes arrive: a partial file beside the target
    const started = Date.now()
    while (child.exitCode === null && Date.now() - started < 20_000) {
      const names = await readdir(work)
      if (names.some(name => name.startsWith('.big.out.') && name.endsWith('.part'))) break
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    child.kill('SIGINT')
    assert.is(await closed, 130, stderr)
    assert.is(stderr, 'shoal: interrupted (ERR_INTERRUPTED)\n')
  } finally {
    await net.stop()
  }
})

test.run()
