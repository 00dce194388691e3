// Published ChaCha20-Poly1305 known answers, byte for byte, through both AEAD cores
// (the internal entry points nodeCipher and nobleCipher wrap with the zero nonce).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { nobleOpen, nobleSeal } from '../src/noble-aead.js'
import { nodeOpen, nodeSeal, type AeadInput } from '../src/node-aead.js'
import { concat, hex, readFixture, sameBytes, throwsIntegrity } from './helpers.js'

interface RfcVector { name: string, key: string, nonce: string, aad: string, plaintext: string, ciphertext: string, tag: string }
interface WycheproofTest { tcId: number, comment: string, flags: string[], key: string, iv: string, aad: string, msg: string, ct: string, tag: string, result: 'valid' | 'invalid' }

const rfc = readFixture<{ vectors: RfcVector[] }>('rfc8439-chacha20-poly1305.json')
const wycheproof = readFixture<{ tests: WycheproofTest[] }>('wycheproof-chacha20-poly1305.json')

const cores = [
  { name: 'node:crypto', seal: nodeSeal, open: nodeOpen },
  { name: '@noble/ciphers', seal: nobleSeal, open: nobleOpen }
]

test('fixtures hold RFC 8439 §2.8.2 and Appendix A.5', () => {
  assert.is(rfc.vectors.length, 2)
  assert.ok(rfc.vectors[0].name.includes('2.8.2'))
  assert.ok(rfc.vectors[1].name.includes('A.5'))
  assert.ok(wycheproof.tests.length > 300, 'Wycheproof group present')
})

for (const core of cores) {
  for (const v of rfc.vectors) {
    test(`${core.name}: ${v.name}`, () => {
      const input: AeadInput = { key: hex(v.key), nonce: hex(v.nonce), aad: hex(v.aad) }
      const expected = concat(hex(v.ciphertext), hex(v.tag))
      sameBytes(core.seal(input, hex(v.plaintext)), expected, 'seal → ciphertext ‖ tag')
      sameBytes(core.open(input, expected), hex(v.plaintext), 'open → plaintext')
      const tampered = expected.slice()
      tampered[0] ^= 1
      throwsIntegrity(() => core.open(input, tampered), 'tampered ciphertext')
      throwsIntegrity(() => core.open({ ...input, aad: new Uint8Array(0) }, expected), 'AAD dropped')
    })
  }

  test(`${core.name}: Wycheproof ChaCha20-Poly1305 (96-bit nonce)`, () => {
    let valid = 0
    let invalid = 0
    for (const t of wycheproof.tests) {
      const input: AeadInput = { key: hex(t.key), nonce: hex(t.iv), aad: hex(t.aad) }
      const sealed = concat(hex(t.ct), hex(t.tag))
      const label = `tcId ${t.tcId} (${t.comment || t.flags.join(',')})`
      if (t.result === 'valid') {
        sameBytes(core.seal(input, hex(t.msg)), sealed, `${label}: seal`)
        sameBytes(core.open(input, sealed), hex(t.msg), `${label}: open`)
        valid++
      } else {
        throwsIntegrity(() => core.open(input, sealed), `${label}: must not open`)
        invalid++
      }
    }
    assert.ok(valid > 200 && invalid > 50, `${valid} valid, ${invalid} invalid`)
  })
}

test.run()
