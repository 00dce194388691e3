// Which names a get may write as one entry of a directory, here and on Windows: what the
// manifest decoder refuses everywhere, and what only Windows would take for a path, a
// drive, a stream or a device.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkLocalName, UnsafeNameError } from '../src/index.js'

function verdict (name: string, platform: NodeJS.Platform): string {
  try {
    checkLocalName(name, platform)
    return 'ok'
  } catch (err) {
    assert.instance(err, UnsafeNameError)
    assert.is((err as UnsafeNameError).code, 'ERR_UNSAFE_NAME')
    return 'refused'
  }
}

test('everywhere: no name that is a path or no name at all', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    for (const name of ['', '.', '..', '../x', '/abs', 'a/b', 'x\0y', 'é'.repeat(200)]) assert.is(verdict(name, platform), 'refused', `${platform} ${JSON.stringify(name)}`)
    for (const name of ['file.txt', '.hidden', 'é', 'a b']) assert.is(verdict(name, platform), 'ok', `${platform} ${JSON.stringify(name)}`)
  }
})

test('on Windows: separators, drives, streams, device names, trailing dots and spaces, control characters', () => {
  for (const name of ['..\\..\\x', 'a\\b', 'C:x', 'file:stream', 'CON', 'con', 'Nul.txt', 'aux.tar.gz', 'COM1', 'lpt9.log', 'com¹', 'CON .txt', 'x.', 'x ', 'a<b', 'a|b', 'a?b', 'a*b', 'a"b', 'tab\there']) {
    assert.is(verdict(name, 'win32'), 'refused', JSON.stringify(name))
    if (!/[\\:]/.test(name)) assert.is(verdict(name, 'linux'), name.includes('/') ? 'refused' : 'ok', `linux ${JSON.stringify(name)}`)
  }
  for (const name of ['console', 'CONFIG', 'com10', 'auxiliary.txt', 'nul_', '.x']) assert.is(verdict(name, 'win32'), 'ok', JSON.stringify(name))
})

test('the message names the entry and why', () => {
  try {
    checkLocalName('CON.txt', 'win32')
    assert.unreachable()
  } catch (err) {
    assert.match((err as Error).message, '"CON.txt"')
    assert.match((err as Error).message, 'device name')
  }
})

test.run()
