// fast-check properties over every value a user types (docs/fuzzing.md): flags, config
// settings and environment variables go through the same checks. Each mutated value
// ends in a value or a UsageError, never another crash; sizes are whole bytes; and a
// duration the node uses as a timer fits one (Node fires a longer timer after 1 ms).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { fuzzParameters, hostileText, typedOutcome } from '@shoal/fuzz'
import { NODE_SETTING_CHECKS } from '../src/commands/node/setting-checks.js'
import { durationText, VALID_SETTING } from './fuzz-values.js'
import { UsageError } from '../src/errors.js'
import { checkLease, MAX_LEASE_MS } from '../src/lease-flag.js'
import { formatRedundancy, parseRedundancy } from '../src/redundancy.js'
import { parseSize } from '../src/size.js'

const CODES = [UsageError.code]
/** setTimeout's and setInterval's largest delay; AbortSignal.timeout's is 2^32 - 1. */
const MAX_TIMER_MS = 2 ** 31 - 1

const TIMERS = new Set(['bootstrap-timeout', 'repair-interval', 'drain-timeout'])
const SIZES = new Set(['space', 'max-debt', 'allowance', 'repair-bandwidth'])

for (const [key, check] of Object.entries(NODE_SETTING_CHECKS)) {
  if (check === undefined) continue
  test(`${key}: mutated values give a value or a UsageError`, () => {
    fc.assert(fc.property(hostileText(VALID_SETTING[key as keyof typeof VALID_SETTING]), text => {
      const result = typedOutcome(() => check(text, `--${key}`), CODES)
      if (!result.ok) return
      if (TIMERS.has(key)) assert.ok(Number.isInteger(result.value) && result.value as number >= 1 && result.value as number <= MAX_TIMER_MS, `${key} ${JSON.stringify(text)} gave ${String(result.value)} ms`)
      if (SIZES.has(key)) assert.ok(Number.isSafeInteger(result.value) && result.value as number >= 0, `${key} ${JSON.stringify(text)} gave ${String(result.value)}`)
    }), fuzzParameters())
  })
}

test('sizes: N<unit> is floor(N x unit) bytes, any case, around spaces', () => {
  const units: Array<[string, number]> = [['B', 1], ['kb', 1e3], ['MB', 1e6], ['KiB', 1024], ['MiB', 2 ** 20], ['GiB', 2 ** 30], ['TiB', 2 ** 40]]
  fc.assert(fc.property(fc.nat({ max: 100_000 }), fc.nat({ max: 99 }), fc.constantFrom(...units), fc.constantFrom('', ' '), (whole, cents, [unit, bytes], space) => {
    const text = `${space}${whole}.${String(cents).padStart(2, '0')}${space}${unit}${space}`
    const expected = Math.floor(Number(`${whole}.${String(cents).padStart(2, '0')}`) * bytes)
    if (Number.isSafeInteger(expected)) assert.is(parseSize(text, '--space'), expected)
    else assert.not.ok(typedOutcome(() => parseSize(text, '--space'), CODES).ok)
  }), fuzzParameters())
})

test('--lease: mutated durations give one from 1 s to 400 days, or a UsageError', () => {
  fc.assert(fc.property(hostileText(durationText), text => {
    const result = typedOutcome(() => checkLease(text), CODES)
    if (result.ok) assert.ok(result.value >= 1000 && result.value <= MAX_LEASE_MS)
  }), fuzzParameters())
})

test('--redundancy: formatRedundancy round-trips; mutated schemes give a scheme or a UsageError', () => {
  const scheme = fc.oneof(
    fc.integer({ min: 1, max: 64 }).map(replicas => ({ scheme: 'replicate' as const, replicas })),
    fc.tuple(fc.integer({ min: 1, max: 128 }), fc.integer({ min: 1, max: 128 })).map(([k, m]) => ({ scheme: 'erasure' as const, k, m }))
  )
  fc.assert(fc.property(scheme, r => { assert.equal(parseRedundancy(formatRedundancy(r)), r) }), fuzzParameters())
  fc.assert(fc.property(hostileText(scheme.map(formatRedundancy)), text => {
    const result = typedOutcome(() => parseRedundancy(text), CODES)
    if (result.ok) assert.is(formatRedundancy(parseRedundancy(formatRedundancy(result.value))), formatRedundancy(result.value))
  }), fuzzParameters())
})

// shrunk counterexamples fast-check found: each was a value the node then used as a
// timer that fires after 1 ms (or, for AbortSignal.timeout, a RangeError at start)
test('regression: durations past a timer\'s reach, and fractional milliseconds, are UsageErrors', () => {
  const refused: Array<[string, string]> = [['bootstrap-timeout', '11111111'], ['bootstrap-timeout', '0.0001'], ['repair-interval', '1y'], ['drain-timeout', '597hours']]
  for (const [key, text] of refused) assert.not.ok(typedOutcome(() => NODE_SETTING_CHECKS[key as keyof typeof NODE_SETTING_CHECKS]?.(text, key), CODES).ok, `${key} ${text}`)
  assert.is(NODE_SETTING_CHECKS['bootstrap-timeout']?.('1.005', 'x'), 1005)
  assert.is(checkLease('90d'), 90 * 24 * 60 * 60 * 1000) // a lease is no timer: its own bound stands
})

test.run()
