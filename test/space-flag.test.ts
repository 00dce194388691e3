// --space needs a unit everywhere (a bare number was bytes: `--space 12` made a 12-byte
// vault), and a node refuses less than one chunk of the largest size, 4 MiB + 16 B.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isOneLineError, shoal } from './helpers/cli.js'
import { startNode } from './helpers/node.js'

let work = ''
test.before(async () => { work = await mkdtemp(join(tmpdir(), 'shoal-space-flag-')) })
test.after(async () => { await rm(work, { recursive: true, force: true }) })

const node = (space: string): string[] => ['node', '--space', space, '--listen', '/ip4/127.0.0.64/tcp/0', '--data', join(work, 'node')]

test('a size without a unit is a usage error that says how to write bytes', async () => {
  const cases: Array<[string[], RegExp]> = [
    [node('12'), /--space: '12' has no unit \(say 12B for bytes, or e\.g\. 500MiB, 50GiB, 2TB\)/],
    [['testnet', '--space', '1073741824'], /--space: '1073741824' has no unit/]
  ]
  await writeFile(join(work, 'f.txt'), 'x')
  cases.push([['put', join(work, 'f.txt'), '--vault', join(work, 'vault'), '--data', join(work, 'data'), '--space', '100'], /--space: '100' has no unit/])
  for (const [args, message] of cases) {
    const r = await shoal(args)
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, message)
    assert.ok(isOneLineError(r.stderr), r.stderr)
  }
})

test('a node refuses less space than one chunk of the largest size, with the least it takes', async () => {
  for (const space of ['12B', '4MiB', '4194319B']) {
    for (const args of [node(space), ['testnet', '--space', space]]) {
      const r = await shoal(args)
      assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, new RegExp(`--space: '${space}' is too small for a vault, which must hold at least one chunk of the largest size, 4 MiB \\+ 16 B \\(4194320B\\)`))
      assert.ok(isOneLineError(r.stderr), r.stderr)
    }
  }
})

test('exactly 4 MiB + 16 B is enough: the node starts and its status offers that much', async () => {
  const started = await startNode(['--space', '4194320B', '--listen', '/ip4/127.0.0.64/tcp/0', '--data', join(work, 'least')])
  try {
    const status = await shoal(['status', '--data', join(work, 'least'), '--json'])
    assert.is(status.code, 0, status.stderr)
    assert.is(JSON.parse(status.stdout).store.space, 4 * 1024 * 1024 + 16)
  } finally {
    assert.is(await started.stop(), 0)
  }
})

test.run()
