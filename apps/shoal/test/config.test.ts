// Where `shoal node` takes each value from: its flag, then its SHOAL_* variable, then
// <data>/config.yaml, then the flag's default.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_LISTEN } from '../src/commands/node/listen.js'
import { inDataDir, refusal, resolve, resolveIn } from './config-helpers.js'

const PEER = '/ip4/127.0.0.2/tcp/4001/p2p/12D3KooWCkXRxhNhNzysHrLMvzP9BLm1twjUMX5hGHYnA1r2Qi98'

const FILE = `# a vault
space: 2GiB
listen:
  - /ip4/127.0.0.81/tcp/4101
  - /ip4/127.0.0.81/tcp/4102
bootstrap:
  - ${PEER}
api: "[::1]:5001"
replicas: 5
bootstrap-timeout: 2.5
repair-interval: 30s
repair-bandwidth: 1MiB/s
max-debt: 2GiB
allowance: 512MiB
drain-timeout: 1m
log-level: warn
log-format: json
`

test('without a file or variables: the flags, and the defaults of those not given', async () => {
  const { flags } = await resolve(undefined, ['--space', '1GiB'])
  assert.is(flags.space, '1GiB')
  assert.equal(flags.listen, DEFAULT_LISTEN)
  assert.is(flags.listenIsDefault, true)
  assert.is(flags.bootstrap, undefined)
  assert.is(flags.repairInterval, '10m')
  assert.is(flags.api, '127.0.0.1:0')
  assert.is(flags.logLevel, 'info')
  assert.is(flags.maxDebt, undefined)
})

test('every setting of the file is taken when no flag or variable says otherwise', async () => {
  const { flags } = await resolve(FILE, [])
  assert.is(flags.space, '2GiB')
  assert.equal(flags.listen, ['/ip4/127.0.0.81/tcp/4101', '/ip4/127.0.0.81/tcp/4102'])
  assert.is(flags.listenIsDefault, false)
  assert.equal(flags.bootstrap, [PEER])
  assert.is(flags.api, '[::1]:5001')
  assert.is(flags.replicas, '5')
  assert.is(flags.bootstrapTimeout, '2.5')
  assert.is(flags.repairInterval, '30s')
  assert.is(flags.repairBandwidth, '1MiB/s')
  assert.is(flags.maxDebt, '2GiB')
  assert.is(flags.allowance, '512MiB')
  assert.is(flags.drainTimeout, '1m')
  assert.is(flags.logLevel, 'warn')
  assert.is(flags.logFormat, 'json')
})

test('a SHOAL_* variable beats the file; lists split at commas or spaces; an empty variable is unset', async () => {
  const { flags } = await resolve(FILE, [], {
    SHOAL_SPACE: '3GiB',
    SHOAL_LISTEN: '/ip4/127.0.0.82/tcp/0, /ip4/127.0.0.83/tcp/0 /ip4/127.0.0.84/tcp/0',
    SHOAL_BOOTSTRAP: '',
    SHOAL_REPAIR_INTERVAL: '5m',
    SHOAL_LOG_LEVEL: 'debug'
  })
  assert.is(flags.space, '3GiB')
  assert.equal(flags.listen, ['/ip4/127.0.0.82/tcp/0', '/ip4/127.0.0.83/tcp/0', '/ip4/127.0.0.84/tcp/0'])
  assert.equal(flags.bootstrap, [PEER], 'the empty SHOAL_BOOTSTRAP left the file\'s')
  assert.is(flags.repairInterval, '5m')
  assert.is(flags.logLevel, 'debug')
  assert.is(flags.logFormat, 'json', 'no variable: the file\'s')
})

test('a flag beats its variable and the file', async () => {
  const { flags } = await resolve(FILE, ['--space', '4GiB', '--listen', '/ip4/127.0.0.85/tcp/0', '--log-level', 'error'], {
    SHOAL_SPACE: '3GiB', SHOAL_LISTEN: '/ip4/127.0.0.82/tcp/0', SHOAL_LOG_LEVEL: 'debug'
  })
  assert.is(flags.space, '4GiB')
  assert.equal(flags.listen, ['/ip4/127.0.0.85/tcp/0'])
  assert.is(flags.listenIsDefault, false)
  assert.is(flags.logLevel, 'error')
})

test('a flag given with its default value still beats the file', async () => {
  const { flags } = await resolve(FILE, ['--repair-interval', '10m'])
  assert.is(flags.repairInterval, '10m')
})

test('a list setting written as one line is split like a variable; an empty list means none', async () => {
  const { flags } = await resolve('space: 1GiB\nlisten: /ip4/127.0.0.81/tcp/1 /ip4/127.0.0.81/tcp/2\nbootstrap: []\n', [], { SHOAL_BOOTSTRAP: ' ' })
  assert.equal(flags.listen, ['/ip4/127.0.0.81/tcp/1', '/ip4/127.0.0.81/tcp/2'])
  assert.equal(flags.bootstrap, [])
})

test('a file of comments only, or an empty one, sets nothing', async () => {
  for (const text of ['', '# nothing yet\n\n# space: 1GiB\n']) {
    const { flags } = await resolve(text, ['--space', '1GiB'])
    assert.is(flags.repairInterval, '10m')
    assert.is(flags.listenIsDefault, true)
  }
})

test('--config, then $SHOAL_CONFIG, name another file; one named must exist', async () => {
  await inDataDir(undefined, async dir => {
    await writeFile(join(dir, 'a.yaml'), 'space: 1GiB\n')
    await writeFile(join(dir, 'b.yaml'), 'space: 2GiB\n')
    assert.is((await resolveIn(dir, ['--config', 'a.yaml'], { SHOAL_CONFIG: 'b.yaml' })).space, '1GiB')
    assert.is((await resolveIn(dir, [], { SHOAL_CONFIG: join(dir, 'b.yaml') })).space, '2GiB')
    const missing = await refusal(async () => await resolveIn(dir, ['--config', 'c.yaml', '--space', '1GiB']))
    assert.is(missing.message, `config ${join(dir, 'c.yaml')}: no such file`)
    assert.is(missing.code, 'ERR_CONFIG')
  })
})

test('no space anywhere: the error names the flag, the variable and the file', async () => {
  await inDataDir(undefined, async (dir, path) => {
    const err = await refusal(async () => await resolveIn(dir, []))
    assert.is(err.code, 'ERR_USAGE')
    assert.is(err.message, `required option '--space <size>' not specified: give it, set SHOAL_SPACE, or write space: in ${path} (shoal init writes that file)`)
  })
})

test.run()
