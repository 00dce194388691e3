// The flags issue 13 adds: durations (--repair-interval, --lease) and --redundancy. A user
// who writes them wrong hears what is wrong and an example of what is right.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseDuration } from '../src/duration.js'
import { formatRedundancy, parseRedundancy } from '../src/redundancy.js'
import { UsageError } from '../src/errors.js'

const refused = (fn: () => unknown, words: string): void => {
  try {
    fn()
  } catch (err) {
    assert.instance(err, UsageError)
    assert.ok((err as Error).message.includes(words), (err as Error).message)
    return
  }
  assert.unreachable(`accepted; expected an error saying ${words}`)
}

test('durations take a unit: seconds, minutes, hours, days', () => {
  assert.is(parseDuration('10s', '--repair-interval'), 10_000)
  assert.is(parseDuration('5m', '--repair-interval'), 300_000)
  assert.is(parseDuration('1.5h', '--repair-interval'), 5_400_000)
  assert.is(parseDuration('90d', '--lease'), 90 * 24 * 3600_000)
})

test('a duration without a unit, or out of bounds, is refused with an example', () => {
  refused(() => parseDuration('10', '--repair-interval'), "'10' is not a duration with a unit (examples: 10s")
  refused(() => parseDuration('soon', '--repair-interval'), 'not a duration')
  refused(() => parseDuration('-5s', '--repair-interval'), 'not a duration')
  refused(() => parseDuration('100ms', '--repair-interval', { minMs: 1000 }), 'shorter than 1 second')
  refused(() => parseDuration('2y', '--lease', { maxMs: 400 * 24 * 3600_000 }), 'longer than 400 days')
})

test('--redundancy: replicate:R or rs:K+M, and back as the user wrote it', () => {
  assert.equal(parseRedundancy('replicate:3'), { scheme: 'replicate', replicas: 3 })
  assert.equal(parseRedundancy('rs:4+2'), { scheme: 'erasure', k: 4, m: 2 })
  assert.equal(parseRedundancy(' RS:10+4 '), { scheme: 'erasure', k: 10, m: 4 })
  assert.is(formatRedundancy(parseRedundancy('rs:4+2')), 'rs:4+2')
  assert.is(formatRedundancy(parseRedundancy('replicate:5')), 'replicate:5')
})

test('--redundancy out of range or misspelt is refused, naming the forms it takes', () => {
  refused(() => parseRedundancy('rs:4'), 'replicate:3, or rs:4+2')
  refused(() => parseRedundancy('mirror:2'), 'not a redundancy scheme')
  refused(() => parseRedundancy('rs:0+2'), 'K and M must be at least 1')
  refused(() => parseRedundancy('rs:200+57'), 'K + M at most 256')
  refused(() => parseRedundancy('replicate:0'), 'replicas must be from 1')
})

test.run()
