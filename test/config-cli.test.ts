// A config file as an operator uses it, with real processes: `shoal init`, an edit,
// `shoal node` starting with the edited values, a SHOAL_* variable winning over the
// file, and a wrong value stopping the node with the file, line and key.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isOneLineError, shoal } from './helpers/cli.js'
import { startNode, type RunningNode } from './helpers/node.js'

const GiB = 2 ** 30

let work = ''
test.before(async () => { work = await mkdtemp(join(tmpdir(), 'shoal-config-cli-')) })
test.after(async () => { await rm(work, { recursive: true, force: true }) })

/** The space the running node offers, as `shoal status` reports it. */
async function spaceOf (data: string): Promise<number> {
  const status = await shoal(['status', '--data', data, '--json'])
  assert.is(status.code, 0, status.stderr)
  return JSON.parse(status.stdout).store.space as number
}

async function stopped (node: RunningNode): Promise<void> {
  assert.is(await node.stop(), 0, node.stderr())
}

test('init, edit the file, and the node runs with it; a SHOAL_* variable beats the file', async () => {
  const data = join(work, 'n1')
  const init = await shoal(['init', '--data', data, '--space', '1GiB', '--listen', '/ip4/127.0.0.81/tcp/0'])
  assert.is(init.code, 0, init.stderr)
  const path = init.stdout.trim()
  assert.is(path, join(data, 'config.yaml'))

  // as a person would: change a value, uncomment another
  const edited = (await readFile(path, 'utf8'))
    .replace('space: 1GiB', 'space: 2GiB')
    .replace('# log-format: text', 'log-format: json')
  await writeFile(path, edited)

  const fromFile = await startNode(['--data', data])
  try {
    assert.ok(fromFile.addresses.every(address => address.startsWith('/ip4/127.0.0.81/tcp/')), fromFile.addresses.join(' '))
    assert.is(await spaceOf(data), 2 * GiB)
  } finally {
    await stopped(fromFile)
  }
  // log-format: json from the file: every log line is JSON
  for (const line of fromFile.stderr().trim().split('\n')) assert.not.throws(() => JSON.parse(line), line)

  const fromEnv = await startNode(['--data', data], { env: { SHOAL_SPACE: '3GiB', SHOAL_LISTEN: '/ip4/127.0.0.82/tcp/0' } })
  try {
    assert.ok(fromEnv.addresses.every(address => address.startsWith('/ip4/127.0.0.82/tcp/')), fromEnv.addresses.join(' '))
    assert.is(await spaceOf(data), 3 * GiB)
  } finally {
    await stopped(fromEnv)
  }
})

test('a wrong value in the file stops the node with the file, line and key, exit 2', async () => {
  const data = join(work, 'n2')
  const init = await shoal(['init', '--data', data, '--space', '1GiB'])
  assert.is(init.code, 0, init.stderr)
  const path = init.stdout.trim()
  const text = await readFile(path, 'utf8')
  await writeFile(path, text.replace('# repair-interval: 10m', 'repair-interval: 10'))
  const line = text.split('\n').indexOf('# repair-interval: 10m') + 1

  const r = await shoal(['node', '--data', data])
  assert.is(r.code, 2, r.stderr)
  assert.is(r.stderr.trim(), `shoal: config ${path} line ${line}: repair-interval: '10' is not a duration with a unit (examples: 10s, 5m, 2h, 90d)`)
  assert.ok(isOneLineError(r.stderr), r.stderr)
})

test.run()
