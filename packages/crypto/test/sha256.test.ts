import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { sha256 } from '../src/index.js'
import { isPlainUint8Array, readFixture, throwsType, toHex } from './helpers.js'

interface Vector { ascii: string, repeat: number, sha256: string }
const { vectors } = readFixture<{ vectors: Vector[] }>('sha256-nist.json')

test('NIST SHA-256 example values', () => {
  assert.is(vectors.length, 5)
  for (const v of vectors) {
    const message = new TextEncoder().encode(v.ascii.repeat(v.repeat))
    assert.is(toHex(sha256(message)), v.sha256, `${v.repeat} × "${v.ascii.slice(0, 20)}"`)
  }
})

test('returns a plain 32-byte Uint8Array', () => {
  const digest = sha256(new Uint8Array(10))
  assert.is(digest.byteLength, 32)
  assert.ok(isPlainUint8Array(digest))
})

test('non-bytes are a TypeError', () => {
  throwsType(() => sha256('abc' as unknown as Uint8Array), TypeError, 'string')
  throwsType(() => sha256(undefined as unknown as Uint8Array), TypeError, 'undefined')
})

test.run()
