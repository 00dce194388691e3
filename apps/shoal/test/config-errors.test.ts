// A wrong value says where it is: a config file's by file, line and key (ConfigError,
// ERR_CONFIG, exit 2), a variable's by its name, a flag's by the flag; and what is wrong,
// in the words the flag's own check uses.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { describeError } from '../src/errors.js'
import { inDataDir, refusal, resolveIn } from './config-helpers.js'

/** The error the file `text` gets, with its path put where `FILE` stands in `expected`. */
async function fileRefused (text: string, expected: string, at: { line?: number, key?: string }): Promise<void> {
  await inDataDir(text, async (dir, path) => {
    const err = await refusal(async () => await resolveIn(dir, ['--space', '1GiB']))
    assert.is(err.message, expected.replace('FILE', path))
    assert.is(err.code, 'ERR_CONFIG')
    assert.equal(err.location, { file: path, ...at })
    assert.is(describeError(err).exitCode, 2)
  })
}

test('a value its flag would refuse: file, line, key and the flag\'s reason', async () => {
  const cases: Array<[string, string, string]> = [
    ['space', '12XB', "'12XB' is not a size (examples: 500MiB, 50GiB, 2TB)"],
    ['space', '12', "'12' has no unit (say 12B for bytes, or e.g. 500MiB, 50GiB, 2TB)"],
    ['space', '4MiB', "'4MiB' is too small for a vault"],
    ['bootstrap-timeout', '0', "'0' is not a positive number of seconds"],
    ['api', '0.0.0.0', "'0.0.0.0' is not an address like 127.0.0.1:5001 (or [::1]:5001)"],
    ['replicas', '0', "'0' is not a whole number from 1 to"],
    ['repair-interval', '10', "'10' is not a duration with a unit (examples: 10s, 5m, 2h, 90d)"],
    ['repair-interval', '100ms', "'100ms' is shorter than 1 second"],
    ['repair-bandwidth', '0B', "'0B' is no bandwidth; e.g. 4MiB (per second)"],
    ['max-debt', 'lots', "'lots' is not a size"],
    ['allowance', '1', "'1' has no unit"],
    ['drain-timeout', 'soon', "'soon' is not a duration with a unit"],
    ['log-level', 'verbose', "'verbose' is not one of error, warn, info, debug"],
    ['log-format', 'xml', "'xml' is not one of text, json"]
  ]
  for (const [key, value, reason] of cases) {
    await inDataDir(`# line 1\n\n${key}: ${value}\n`, async (dir, path) => {
      const err = await refusal(async () => await resolveIn(dir, key === 'space' ? [] : ['--space', '1GiB']))
      assert.ok(err.message.startsWith(`config ${path} line 3: ${key}: ${reason}`), err.message)
      assert.is(err.code, 'ERR_CONFIG')
      assert.equal(err.location, { file: path, line: 3, key })
    })
  }
})

test('an address in a list is named by its own line', async () => {
  await fileRefused('space: 1GiB\nlisten:\n  - /ip4/127.0.0.81/tcp/0\n  - /ip4/127.0.0.81/udp/0\n', "config FILE line 4: listen: '/ip4/127.0.0.81/udp/0' is not a listen address like /ip4/127.0.0.2/tcp/4001", { line: 4, key: 'listen' })
  await fileRefused('bootstrap:\n  - /ip4/127.0.0.2/udp/4001\n', "config FILE line 2: bootstrap: '/ip4/127.0.0.2/udp/4001' is not a peer address like /ip4/127.0.0.2/tcp/4001/p2p/12D3Koo... or /dns4/bootstrap/tcp/4001", { line: 2, key: 'bootstrap' })
})

test('a bad value in the file is refused even where a flag overrides it', async () => {
  await inDataDir('space: 12XB\n', async (dir, path) => {
    const err = await refusal(async () => await resolveIn(dir, ['--space', '1GiB']))
    assert.ok(err.message.startsWith(`config ${path} line 1: space: '12XB' is not a size`), err.message)
  })
})

test('an unknown key is named, with the setting meant when it is close', async () => {
  await fileRefused('space: 1GiB\nrepair_interval: 5m\n', "config FILE line 2: 'repair_interval' is not a setting; did you mean repair-interval?", { line: 2 })
  await fileRefused('repairInterval: 5m\n', "config FILE line 1: 'repairInterval' is not a setting; did you mean repair-interval?", { line: 1 })
  await fileRefused('\nspce: 1GiB\n', "config FILE line 2: 'spce' is not a setting; did you mean space?", { line: 2 })
  await fileRefused('data: /srv/shoal\n', "config FILE line 1: 'data' is not a setting; the settings are space, listen, bootstrap, bootstrap-timeout, api, metrics-listen, replicas, repair-interval, repair-bandwidth, max-debt, allowance, upnp, public-ranges, drain-timeout, log-level, log-format", { line: 1 })
})

test('a setting of the wrong shape: a list where one value goes, no value, a mapping', async () => {
  await fileRefused('space:\n  - 1GiB\n  - 2GiB\n', 'config FILE line 1: space: takes one value, not a list', { line: 1, key: 'space' })
  await fileRefused('# set later\nspace:\n', 'config FILE line 2: space: has no value; give one, or remove the line for the default', { line: 2, key: 'space' })
  await fileRefused('listen:\n  - ~\n', 'config FILE line 1: listen: has no value; give one, or remove the line for the default', { line: 1, key: 'listen' })
  await fileRefused('api:\n  host: 127.0.0.1\n  port: 5001\n', 'config FILE line 2: api: takes a value (or a list of values), not a mapping', { line: 2, key: 'api' })
})

test('YAML that does not parse, or is not key: value lines, is refused at its line', async () => {
  await fileRefused('space: 1GiB\napi: [::1]:5001\n', 'config FILE line 2: not valid YAML: Unexpected scalar at node end (a value with [ ] { } # or ": " in it needs quotes, e.g. api: "[::1]:5001")', { line: 2 })
  await fileRefused('space: 1GiB\nspace: 2GiB\n', 'config FILE line 2: not valid YAML: Map keys must be unique', { line: 2 })
  await fileRefused('# settings\n- space: 1GiB\n', 'config FILE line 2: is not a list of settings, one `key: value` a line', { line: 2 })
})

test('a bad variable is named by the variable, a bad flag by the flag', async () => {
  await inDataDir('space: 1GiB\n', async dir => {
    const env = await refusal(async () => await resolveIn(dir, [], { SHOAL_REPAIR_INTERVAL: '5' }))
    assert.is(env.message, "SHOAL_REPAIR_INTERVAL: '5' is not a duration with a unit (examples: 10s, 5m, 2h, 90d)")
    assert.is(env.code, 'ERR_USAGE')
    const list = await refusal(async () => await resolveIn(dir, [], { SHOAL_BOOTSTRAP: '/ip4/127.0.0.2/tcp/1/p2p/12D3KooWCkXRxhNhNzysHrLMvzP9BLm1twjUMX5hGHYnA1r2Qi98,nonsense' }))
    assert.is(list.message, "SHOAL_BOOTSTRAP: 'nonsense' is not a peer address like /ip4/127.0.0.2/tcp/4001/p2p/12D3Koo... or /dns4/bootstrap/tcp/4001")
    const choice = await refusal(async () => await resolveIn(dir, [], { SHOAL_LOG_FORMAT: 'xml' }))
    assert.is(choice.message, "SHOAL_LOG_FORMAT: 'xml' is not one of text, json")
    const flag = await refusal(async () => await resolveIn(dir, ['--space', '12XB']))
    assert.is(flag.message, "--space: '12XB' is not a size (examples: 500MiB, 50GiB, 2TB)")
  })
})

test.run()
