import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { shoal, shoalBin } from './helpers/cli.js'
import { kill } from './helpers/testnet.js'

test('shoal testnet runs N nodes a client can use, and Ctrl-C stops them and removes their data', async () => {
  const work = await mkdtemp(join(tmpdir(), 'shoal-testnet-cli-'))
  const child = spawn(process.execPath, [shoalBin, 'testnet', '--nodes', '3', '--first-host', '40', '--space', '64MiB', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error('testnet printed nothing in 60 s')), 60_000)
      child.stdout.on('data', d => { out += d; if (out.includes('\n')) { clearTimeout(timer); resolve(out.split('\n')[0]) } })
      child.once('exit', code => { clearTimeout(timer); reject(new Error(`testnet exited with ${code}`)) })
    })
    const net = JSON.parse(line) as { bootstrap: string, nodes: Array<{ address: string, dataDir: string }> }
    assert.is(net.nodes.length, 3)
    assert.ok(net.bootstrap.startsWith('/ip4/127.0.0.40/tcp/'), net.bootstrap)
    assert.ok(net.nodes[2].address.startsWith('/ip4/127.0.0.42/tcp/'), net.nodes[2].address)

    await writeFile(join(work, 'in.txt'), 'through the testnet\n')
    const put = await shoal(['put', join(work, 'in.txt'), '--bootstrap', net.bootstrap, '--data', join(work, 'data')])
    assert.is(put.code, 0, put.stderr)
    const uri = put.stdout.trim().split('\n').pop() as string
    const get = await shoal(['get', uri, '--bootstrap', net.nodes[2].address, '--data', join(work, 'data'), '-o', join(work, 'out.txt')])
    assert.is(get.code, 0, get.stderr)
    assert.is(await readFile(join(work, 'out.txt'), 'utf8'), 'through the testnet\n')

    assert.is(await kill(child, 'SIGINT'), 0)
    for (const node of net.nodes) assert.not.ok(existsSync(node.dataDir), node.dataDir)
  } finally {
    // SIGTERM, not SIGKILL: the testnet must get the chance to stop its own nodes
    await kill(child)
    await rm(work, { recursive: true, force: true })
  }
})

test.run()
