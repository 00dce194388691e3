// fast-check properties over the daemon's uploads log (docs/fuzzing.md), read when the
// daemon starts: a damaged line is skipped, never a crash that keeps the daemon down.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { fuzzParameters, hostileText, typedOutcome } from '@shoal/fuzz'
import { openUploads, readLine, UPLOADS_FILE, type Line } from '../src/daemon/uploads.js'

const entry: fc.Arbitrary<Line> = fc.oneof(
  fc.record({ add: fc.string({ maxLength: 20 }), leaseMs: fc.nat(), expires: fc.nat() }),
  fc.record({ remove: fc.string({ maxLength: 20 }) })
)
const text = (e: Line): string => JSON.stringify(e)

test('readLine(JSON of a line) = the line; a mutated line is a line of the right shape or null', () => {
  fc.assert(fc.property(entry, e => { assert.equal(readLine(text(e)), { ...e }) }), fuzzParameters())
  fc.assert(fc.property(fc.oneof(hostileText(entry.map(text), 40), fc.jsonValue().map(v => JSON.stringify(v))), line => {
    const result = typedOutcome(() => readLine(line), [])
    if (!result.ok || result.value === null) return
    const read = result.value
    if ('remove' in read) assert.type(read.remove, 'string')
    else assert.ok(typeof read.add === 'string' && Number.isSafeInteger(read.leaseMs) && Number.isSafeInteger(read.expires))
  }), fuzzParameters())
})

// the shrunk counterexample: `null` on a line of its own kept the daemon from starting
// ("Cannot use 'in' operator to search for 'remove' in null")
test('regression: a log with null, a number or {} on a line opens, keeping the good lines', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-uploads-'))
  try {
    await writeFile(join(dir, UPLOADS_FILE), ['null', '5', '{}', '"x"', text({ add: 'shoal:a', leaseMs: 10, expires: 20 }), '{"add":7}', ''].join('\n'), { mode: 0o600 })
    const uploads = await openUploads(dir)
    assert.equal(uploads.uris(), ['shoal:a'])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
