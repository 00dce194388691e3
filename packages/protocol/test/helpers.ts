// Shared by the protocol tests: a seeded PRNG, sample CIDs, and an assertion for
// "throws a ProtocolError with this wire code and this in its message".
import { createHash } from 'node:crypto'
import * as assert from 'uvu/assert'
import { chunkCid } from '@shoal/manifest'
import type { CID } from 'multiformats/cid'
import { ProtocolError } from '../src/index.js'

/** mulberry32: small, seedable, good enough to drive fuzzing reproducibly. */
export function prng (seed: number): { next: () => number, int: (n: number) => number, bytes: (n: number) => Uint8Array } {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number): number => Math.floor(next() * n)
  const bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = int(256)
    return out
  }
  return { next, int, bytes }
}

export function sampleCid (seed: number): CID {
  return chunkCid(new Uint8Array(createHash('sha256').update(`chunk ${seed}`).digest()))
}

export function concat (parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

/** Runs fn, asserts it throws a ProtocolError with `wireCode` whose message contains `fragment`. */
export function throwsProtocol (fn: () => unknown, wireCode: ProtocolError['wireCode'], fragment = ''): ProtocolError {
  let result: unknown
  try {
    result = fn()
  } catch (err) {
    assert.instance(err, ProtocolError, `expected ProtocolError, got ${String(err)}`)
    const e = err as ProtocolError
    assert.is(e.code, 'ERR_PROTOCOL')
    assert.is(e.wireCode, wireCode, `expected ${wireCode}, got ${e.wireCode}: ${e.message}`)
    assert.ok(e.message.includes(fragment), `expected message to contain ${JSON.stringify(fragment)}, got ${JSON.stringify(e.message)}`)
    return e
  }
  assert.unreachable(`expected ProtocolError ${wireCode} (${fragment}), but it returned ${String(result)}`)
  throw new Error('unreachable')
}

/** Like throwsProtocol for a promise. */
export async function rejectsProtocol (promise: Promise<unknown>, wireCode: ProtocolError['wireCode'], fragment = ''): Promise<ProtocolError> {
  let error: unknown
  try { await promise } catch (err) { error = err }
  return throwsProtocol(() => { if (error !== undefined) throw error }, wireCode, fragment)
}
