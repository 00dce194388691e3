// Shared test helpers: fixtures, hex, a seeded PRNG and byte assertions.
import { randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as assert from 'uvu/assert'
import { IntegrityError } from '../src/index.js'

/** test/fixtures/crypto at the repo root, from packages/crypto/dist/test/. */
const FIXTURES = new URL('../../../../test/fixtures/crypto/', import.meta.url)

export function readFixture<T> (name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T
}

export function hex (text: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new Error(`not hex: ${text.slice(0, 40)}`)
  return new Uint8Array(Buffer.from(text, 'hex'))
}

export function toHex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export function concat (...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

/** Asserts equal bytes; on failure names the first differing offset instead of dumping megabytes. */
export function sameBytes (actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (actual.byteLength !== expected.byteLength) {
    assert.unreachable(`${what}: ${actual.byteLength} bytes, expected ${expected.byteLength}`)
  }
  const at = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength)
    .compare(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength))
  if (at === 0) return
  for (let i = 0; i < actual.byteLength; i++) {
    if (actual[i] !== expected[i]) {
      assert.unreachable(`${what}: first difference at byte ${i} of ${actual.byteLength} (got ${actual[i]}, expected ${expected[i]})`)
    }
  }
}

export function isPlainUint8Array (value: unknown): boolean {
  return value instanceof Uint8Array && Object.getPrototypeOf(value) === Uint8Array.prototype
}

/** Runs `fn`, which must throw an IntegrityError (class, name and code). */
export function throwsIntegrity (fn: () => unknown, what: string): void {
  const caught = throwsType(fn, IntegrityError, what) as IntegrityError
  assert.is(caught.code, 'ERR_INTEGRITY', what)
  assert.is(caught.name, 'IntegrityError', what)
}

/** Runs `fn`, which must throw an instance of `type` (TypeError, RangeError); returns what it threw. */
export function throwsType (fn: () => unknown, type: new (...args: any[]) => Error, what: string, message?: RegExp): Error {
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  if (caught === undefined) assert.unreachable(`${what}: did not throw`)
  assert.instance(caught, type, `${what}: threw ${String(caught)}`)
  if (message !== undefined) assert.match((caught as Error).message, message, what)
  return caught as Error
}

export interface Prng {
  readonly seed: number
  u32: () => number
  /** Integer in [0, max). */
  below: (max: number) => number
  bytes: (length: number) => Uint8Array
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG): deterministic from one 32-bit
 * seed, so a failing case reproduces with SHOAL_CRYPTO_SEED=<seed>.
 */
export function createPrng (seed: number): Prng {
  let a = 0x9e3779b9; let b = 0x243f6a88; let c = 0xb7e15162; let d = seed >>> 0
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 15; i++) u32()
  return {
    seed: seed >>> 0,
    u32,
    below: (max) => Math.floor(u32() / 0x1_0000_0000 * max),
    bytes: (length) => {
      const out = new Uint8Array(length)
      const words = new Uint32Array(out.buffer, 0, length >>> 2)
      for (let i = 0; i < words.length; i++) words[i] = u32()
      for (let i = words.length * 4; i < length; i++) out[i] = u32() & 0xff
      return out
    }
  }
}

/** The seed for this run: SHOAL_CRYPTO_SEED if set, else random (and reported on failure). */
export function testSeed (): number {
  const fromEnv = process.env.SHOAL_CRYPTO_SEED
  if (fromEnv !== undefined && fromEnv !== '') return Number(fromEnv) >>> 0
  return randomInt(0, 0xffff_ffff)
}

export const KiB = 1024
export const MiB = 1024 * 1024
