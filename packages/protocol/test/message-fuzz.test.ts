// Seeded mutations of valid encodings (bit flips, byte overwrites, truncation,
// insertion, splicing) may decode or throw ProtocolError, nothing else.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, ProtocolError } from '../src/index.js'
import type { Request, Response } from '../src/index.js'
import { prng, sampleCid } from './helpers.js'

const rng = prng(99)
const valid: Uint8Array[] = [
  encodeRequest({ type: 'put', id: 1, cid: sampleCid(1), bytes: rng.bytes(200) }),
  encodeRequest({ type: 'get', id: 300, cid: sampleCid(2) }),
  encodeRequest({ type: 'has', id: 70_000, cids: [sampleCid(3), sampleCid(4), sampleCid(5)] }),
  encodeRequest({ type: 'audit', id: 2 ** 31, cid: sampleCid(6), nonce: rng.bytes(32) }),
  encodeResponse({ type: 'ok', id: 1, stored: true }),
  encodeResponse({ type: 'data', id: 2, bytes: rng.bytes(100) }),
  encodeResponse({ type: 'have', id: 3, bitmap: Uint8Array.of(5) }),
  encodeResponse({ type: 'proof', id: 4, digest: rng.bytes(32) }),
  encodeResponse({ type: 'err', id: 5, code: 'NO_SPACE', message: 'full' })
]

function mutate (r: ReturnType<typeof prng>, input: Uint8Array): Uint8Array {
  const bytes = Uint8Array.from(input)
  switch (r.int(5)) {
    case 0: { // flip a few bits
      for (let i = 0, n = 1 + r.int(3); i < n; i++) bytes[r.int(bytes.length)] ^= 1 << r.int(8)
      return bytes
    }
    case 1: { // overwrite bytes with interesting values
      const interesting = [0x00, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x40, 0x5f, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xd8, 0xf4, 0xf5, 0xf6, 0xf7, 0xf9, 0xfb, 0xff]
      for (let i = 0, n = 1 + r.int(3); i < n; i++) bytes[r.int(bytes.length)] = interesting[r.int(interesting.length)]
      return bytes
    }
    case 2: return bytes.subarray(0, r.int(bytes.length)) // truncate
    case 3: { // insert random bytes
      const at = r.int(bytes.length + 1)
      return Uint8Array.from([...bytes.subarray(0, at), ...r.bytes(1 + r.int(8)), ...bytes.subarray(at)])
    }
    default: { // splice two valid messages
      const other = valid[r.int(valid.length)]
      return Uint8Array.from([...bytes.subarray(0, r.int(bytes.length)), ...other.subarray(r.int(other.length))])
    }
  }
}

test('mutated encodings decode or throw ProtocolError only', () => {
  const r = prng(2024)
  let decoded = 0
  let refused = 0
  for (let i = 0; i < 20_000; i++) {
    const input = mutate(r, valid[r.int(valid.length)])
    for (const decode of [decodeRequest, decodeResponse] as Array<(b: Uint8Array) => Request | Response>) {
      try {
        const message = decode(input)
        decoded++
        // whatever decodes must re-encode (it passed the same checks)
        const again = decode === decodeRequest ? encodeRequest(message as Request) : encodeResponse(message as Response)
        assert.ok(again.length > 0)
      } catch (err) {
        if (!(err instanceof ProtocolError)) {
          assert.unreachable(`iteration ${i}: ${Buffer.from(input).toString('hex')} threw ${String(err)}`)
        }
        refused++
      }
    }
  }
  // the fuzzer must exercise both outcomes, or it proves nothing
  assert.ok(decoded > 100, `only ${decoded} mutations decoded`)
  assert.ok(refused > 1000, `only ${refused} mutations refused`)
})

test.run()
