// Random mutations and truncations of valid URIs (seeded, reproducible): parseCapability
// either succeeds on a URI it would itself have written, or throws InvalidCapabilityError.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chunkCid, formatCapability, parseCapability, InvalidCapabilityError } from '../src/index.js'
import { prng } from './helpers.js'

const SEED = Number(process.env.SHOAL_FUZZ_SEED ?? 0x5eed)
const ROUNDS = 20_000
const POOL = [
  ...'abcdefghijklmnopqrstuvwxyz234567', ...'ABCXYZ01890', ...':#/?%=@.-_+ ', '\n', '\t', '\0', '\u00a0', '\u2028',
  'é', 'а', '😀', '\ud800', '\udfff', '\ufeff', 'shoal:', 'bafkrei', '#', '##'
]

function mutate (uri: string, rng: ReturnType<typeof prng>): string {
  const at = rng.int(uri.length + 1)
  const pick = (): string => POOL[rng.int(POOL.length)]
  switch (rng.int(9)) {
    case 0: return uri.slice(0, at) // truncate
    case 1: return uri.slice(at) // drop a prefix
    case 2: return uri.slice(0, at) + uri.slice(at + 1 + rng.int(4)) // delete a few
    case 3: return uri.slice(0, at) + pick() + uri.slice(at) // insert
    case 4: return uri.slice(0, at) + pick() + uri.slice(at + 1) // replace
    case 5: { // swap case of one character
      const c = uri[at] ?? ''
      return uri.slice(0, at) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + uri.slice(at + 1)
    }
    case 6: return uri + pick().repeat(1 + rng.int(3)) // trailing junk
    case 7: return uri.slice(0, at) + uri.slice(rng.int(uri.length)) // splice with itself
    default: return String.fromCharCode(...Array.from({ length: rng.int(200) }, () => rng.int(0x10000)))
  }
}

test(`random mutations only ever parse or throw InvalidCapabilityError (seed ${SEED})`, () => {
  const rng = prng(SEED)
  let accepted = 0
  let refused = 0
  const reasons = new Set<string>()
  for (let round = 0; round < ROUNDS; round++) {
    let uri = formatCapability({ cid: chunkCid(rng.bytes(32)), key: rng.bytes(32) })
    const mutations = 1 + rng.int(3)
    for (let i = 0; i < mutations; i++) uri = mutate(uri, rng)
    try {
      const cap = parseCapability(uri)
      // anything accepted is canonical: it formats back to exactly the input
      assert.is(formatCapability(cap), uri, `round ${round}: accepted non-canonical ${JSON.stringify(uri)}`)
      accepted++
    } catch (err) {
      if (!(err instanceof InvalidCapabilityError)) {
        assert.unreachable(`round ${round} (seed ${SEED}): ${JSON.stringify(uri)} threw ${String(err)}`)
        throw err
      }
      reasons.add(err.reason.replace(/\d+|"[^"]*"|'[^']*'/g, '_'))
      refused++
    }
  }
  // the loop exercised both outcomes and many different checks
  assert.ok(accepted > 100, `accepted ${accepted}`)
  assert.ok(refused > ROUNDS / 2, `refused ${refused}`)
  assert.ok(reasons.size >= 15, `only ${reasons.size} distinct reasons: ${[...reasons].join(' | ')}`)
})

test('every prefix of a valid URI is refused', () => {
  const uri = formatCapability({ cid: chunkCid(prng(1).bytes(32)), key: prng(2).bytes(32) })
  for (let length = 0; length < uri.length; length++) {
    assert.throws(() => parseCapability(uri.slice(0, length)), (err: unknown) => err instanceof InvalidCapabilityError, `prefix of ${length}`)
  }
})

test.run()
