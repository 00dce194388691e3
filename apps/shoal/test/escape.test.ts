// Names shown on a terminal: nothing in one can break a line or restyle the screen.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { showName } from '../src/commands/escape.js'

test('control characters, separators and bidi overrides are escaped; backslash is doubled; the rest is kept', () => {
  assert.is(showName('plain name ünïcode ✓.txt'), 'plain name ünïcode ✓.txt')
  assert.is(showName('a\nb\tc\rd'), 'a\\nb\\tc\\rd')
  assert.is(showName('\x1b[31mred\x1b[0m'), '\\x1b[31mred\\x1b[0m')
  assert.is(showName('nul\x00 del\x7f c1\x85'), 'nul\\x00 del\\x7f c1\\x85')
  assert.is(showName('back\\slash\\n'), 'back\\\\slash\\\\n', 'a real backslash-n is not mistaken for a newline')
  assert.is(showName('txt.\u202eexe'), 'txt.\\u{202e}exe')
  assert.is(showName('line\u2028sep'), 'line\\u{2028}sep')
})

test.run()
