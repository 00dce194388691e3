// `shoal init` writes a config file that `shoal node` reads back as written: the values
// given set, every other setting commented out with its default, which, uncommented,
// is accepted as it stands.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { run } from '../src/cli.js'
import { parseConfig } from '../src/config/file.js'
import { DEFAULT_LISTEN } from '../src/commands/node/listen.js'
import { NODE_SETTING_KEYS } from '../src/commands/node/settings.js'
import { inDataDir, resolveIn } from './config-helpers.js'

const PEER = '/ip4/127.0.0.2/tcp/4001/p2p/12D3KooWCkXRxhNhNzysHrLMvzP9BLm1twjUMX5hGHYnA1r2Qi98'

async function shoal (args: string[], cwd: string): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const sink = (append: (text: string) => void): Writable => new Writable({ write (chunk: Buffer, _encoding, done) { append(chunk.toString()); done() } })
  const code = await run(args, { stdout: sink(text => { stdout += text }), stderr: sink(text => { stderr += text }), env: {}, cwd })
  return { code, stdout, stderr }
}

/** The template with every `# key: value` line (and its `#   - item` lines) uncommented. */
function uncommented (template: string): string {
  const keys = new RegExp(`^# ((?:${NODE_SETTING_KEYS.join('|')}):.*)$`)
  let inSetting = false
  return template.split('\n').map(line => {
    const setting = keys.exec(line)
    if (setting !== null) { inSetting = true; return setting[1] }
    if (inSetting && line.startsWith('#   - ')) return line.slice(2)
    inSetting = false
    return line
  }).join('\n')
}

test('init without settings: prints the path; every setting explained and commented out', async () => {
  await inDataDir(undefined, async (dir, path) => {
    const r = await shoal(['init', '--data', 'node'], dir)
    assert.is(r.code, 0, r.stderr)
    assert.is(r.stdout, `${join(dir, 'node', 'config.yaml')}\n`)
    const template = await readFile(join(dir, 'node', 'config.yaml'), 'utf8')
    assert.equal(parseConfig(template, path).entries, [])
    for (const key of NODE_SETTING_KEYS) assert.match(template, new RegExp(`^# ${key}:`, 'm'))
    assert.match(template, /^# \(--repair-interval, SHOAL_REPAIR_INTERVAL\) default:\n# repair-interval: 10m$/m)
    assert.match(template, /^# listen:\n# {3}- \/ip4\/0\.0\.0\.0\/tcp\/4001\n# {3}- \/ip6\/::\/tcp\/4001$/m)
  })
})

test('uncommented, the template\'s defaults and examples are accepted and are the defaults', async () => {
  await inDataDir(undefined, async (dir, path) => {
    assert.is((await shoal(['init', '--data', dir], dir)).code, 0)
    await writeFile(path, uncommented(await readFile(path, 'utf8')))
    assert.is(parseConfig(await readFile(path, 'utf8'), path).entries.length, NODE_SETTING_KEYS.length)
    const flags = await resolveIn(dir, [])
    assert.is(flags.space, '50GiB')
    assert.equal(flags.listen, DEFAULT_LISTEN)
    assert.is(flags.api, '127.0.0.1:0')
    assert.is(flags.bootstrapTimeout, '5')
    assert.is(flags.repairInterval, '10m')
    assert.is(flags.maxDebt, '4GiB')
    assert.is(flags.logLevel, 'info')
  })
})

test('the values given to init are what the node reads back, quoted where YAML needs it', async () => {
  await inDataDir(undefined, async dir => {
    const r = await shoal(['init', '--data', dir, '--space', '2GiB', '--listen', '/ip4/127.0.0.81/tcp/0', '/ip6/::1/tcp/0',
      '--bootstrap', PEER, '--api', '[::1]:5001', '--replicas', '4', '--repair-interval', '30s', '--log-level', 'debug'], dir)
    assert.is(r.code, 0, r.stderr)
    const flags = await resolveIn(dir, [])
    assert.is(flags.space, '2GiB')
    assert.equal(flags.listen, ['/ip4/127.0.0.81/tcp/0', '/ip6/::1/tcp/0'])
    assert.equal(flags.bootstrap, [PEER])
    assert.is(flags.api, '[::1]:5001')
    assert.is(flags.replicas, '4')
    assert.is(flags.repairInterval, '30s')
    assert.is(flags.logLevel, 'debug')
    assert.is(flags.logFormat, 'text')
  })
})

test('init never overwrites a config file unless told --force', async () => {
  await inDataDir('space: 1GiB # mine\n', async (dir, path) => {
    const r = await shoal(['init', '--data', dir, '--space', '2GiB'], dir)
    assert.is(r.code, 1)
    assert.is(r.stderr, `shoal: config ${path} exists already; edit it, or run shoal init again with --force to overwrite it (ERR_CONFIG_EXISTS)\n`)
    assert.is(await readFile(path, 'utf8'), 'space: 1GiB # mine\n')
    assert.is((await shoal(['init', '--data', dir, '--space', '2GiB', '--force'], dir)).code, 0)
    assert.is((await resolveIn(dir, [])).space, '2GiB')
  })
})

test('init refuses a bad value as shoal node would, and writes nothing', async () => {
  await inDataDir(undefined, async (dir, path) => {
    const r = await shoal(['init', '--data', dir, '--space', '12XB'], dir)
    assert.is(r.code, 2)
    assert.is(r.stderr, "shoal: --space: '12XB' is not a size (examples: 500MiB, 50GiB, 2TB)\n")
    assert.is(await readFile(path, 'utf8').catch(() => null), null)
  })
})

test('shoal init --help lists the node\'s settings, none with a default of its own', async () => {
  await inDataDir(undefined, async dir => {
    const r = await shoal(['init', '--help'], dir)
    assert.is(r.code, 0)
    for (const key of NODE_SETTING_KEYS) assert.match(r.stdout, new RegExp(`^ {2}--${key} `, 'm'))
    assert.match(r.stdout, /--force/)
    assert.not.match(r.stdout, /\(required\)/)
    assert.not.match(r.stdout, /default: 10m/)
  })
})

test.run()
