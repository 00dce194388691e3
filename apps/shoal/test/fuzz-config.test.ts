// fast-check properties over config files (docs/fuzzing.md): a mutated config.yaml is
// read into the node's settings, or refused with a ConfigError naming the file; never
// another crash, and never a value its flag would refuse.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { fuzzParameters, hostileText, typedOutcome } from '@shoal/fuzz'
import { nodeCommand } from '../src/commands/node/index.js'
import { NODE_SETTING_CHECKS } from '../src/commands/node/setting-checks.js'
import { ConfigError } from '../src/config/errors.js'
import { parseConfig } from '../src/config/file.js'
import { settingsOf } from '../src/config/options.js'
import { resolveSettings } from '../src/config/resolve.js'
import { processIo } from '../src/io.js'
import { VALID_SETTING } from './fuzz-values.js'

const PATH = '/data/config.yaml'
const settings = settingsOf(nodeCommand(processIo()), NODE_SETTING_CHECKS)
const LISTS = new Set(settings.filter(s => s.list).map(s => s.key))

/** A config file as `shoal init` or a person writes one: comments, `key: value`, lists, quotes. */
const line = fc.constantFrom(...Object.keys(VALID_SETTING)).chain(key => fc.oneof(
  VALID_SETTING[key as keyof typeof VALID_SETTING].map(value => `${key}: ${value}`),
  VALID_SETTING[key as keyof typeof VALID_SETTING].map(value => `${key}: "${value}"`),
  ...(LISTS.has(key) ? [fc.array(VALID_SETTING[key as keyof typeof VALID_SETTING], { minLength: 1, maxLength: 3 }).map(values => `${key}:\n${values.map(v => `  - ${v}`).join('\n')}`)] : [])
))
const configText = fc.tuple(fc.uniqueArray(line, { maxLength: 6, selector: l => l.split(':')[0] }), fc.boolean())
  .map(([lines, comment]) => [...(comment ? ['# shoal node settings'] : []), ...lines, ''].join('\n'))

/** YAML that has hurt parsers: anchors and aliases, tags, flow collections, documents, tabs. */
const yamlTricks = fc.constantFrom(
  'a: &x 1\nb: *x\n', 'space: &s [1GiB, *s]\n', 'space: !!binary aGk=\n', '---\nspace: 1GiB\n---\n', '{space: 1GiB}', '[1, 2]', '? space\n: 1GiB\n',
  'space:\t1GiB\n', 'space: 1GiB\nspace: 2GiB\n', '%YAML 1.2\n---\nspace: 1GiB\n', 'space: |\n  1GiB\n', 'listen: {a: 1}\n', '<<: {space: 1GiB}\n', 'space: *nope\n'
)

test('a mutated config file gives checked settings, or a ConfigError naming the file', () => {
  fc.assert(fc.property(fc.oneof(hostileText(configText, 200), yamlTricks, hostileText(yamlTricks, 60)), text => {
    const result = typedOutcome(() => {
      const file = parseConfig(text, PATH)
      return resolveSettings(settings, { flags: {}, given: () => false, env: {}, file })
    }, [ConfigError.code])
    if (!result.ok) {
      assert.ok(result.error.message.startsWith(`config ${PATH}`), result.error.message)
      return
    }
    // whatever was read from the file passed its flag's check
    for (const setting of settings) {
      const { value, origin } = result.value.get(setting.attribute) ?? {}
      if (origin !== 'file') continue
      for (const text of [value ?? []].flat()) setting.check(text, setting.flag)
    }
  }), fuzzParameters())
})

test('a well-formed config file gives each setting it holds from the file, or a ConfigError naming its line', () => {
  fc.assert(fc.property(configText, text => {
    const result = typedOutcome(() => resolveSettings(settings, { flags: {}, given: () => false, env: {}, file: parseConfig(text, PATH) }), [ConfigError.code])
    if (!result.ok) return assert.match(result.error.message, /^config \/data\/config\.yaml line \d+: /)
    const resolved = result.value
    const inFile = parseConfig(text, PATH).entries.map(e => e.key)
    for (const setting of settings) assert.is(resolved.get(setting.attribute)?.origin, inFile.includes(setting.key) ? 'file' : 'default')
  }), fuzzParameters())
})

test.run()
