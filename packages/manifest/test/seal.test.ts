// Sealed manifests open with their key and nothing else; any change to the sealed
// bytes is an IntegrityError; each seal uses a fresh nonce.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { encode } from 'cborg'
import { IntegrityError } from '@shoal/crypto'
import {
  encodeManifest, InvalidManifestError, MAX_INLINE_MANIFEST_BYTES, openManifest, sealManifest,
  UnsupportedManifestVersionError
} from '../src/index.js'
import type { ChunkRef, FileManifest, Manifest } from '../src/index.js'
import { chunk, directoryManifest, fileManifest, indirectManifest, plain, prng, throwsWith } from './helpers.js'

const AAD = new TextEncoder().encode('shoal:manifest')

/** What sealManifest would write, for plaintexts it refuses to seal. */
function sealRaw (plaintext: Uint8Array, key: Uint8Array, aad?: Uint8Array): Uint8Array {
  const nonce = prng(3).bytes(24)
  return new Uint8Array(Buffer.concat([nonce, xchacha20poly1305(key, nonce, aad).encrypt(plaintext)]))
}

test('seal then open gives back each kind of manifest', () => {
  for (const manifest of [fileManifest(), directoryManifest(), indirectManifest()] as Manifest[]) {
    const { key, sealed } = sealManifest(manifest)
    assert.is(key.length, 32)
    assert.is(sealed.length, 24 + encodeManifest(manifest).length + 16)
    assert.equal(plain(openManifest(sealed, key)), plain(manifest))
  }
})

test('the sealed bytes do not contain the plaintext', () => {
  const manifest = fileManifest()
  const { sealed } = sealManifest(manifest)
  assert.not.ok(Buffer.from(sealed).includes(Buffer.from(manifest.name ?? '')))
  assert.not.ok(Buffer.from(sealed).includes(Buffer.from(manifest.chunks[0].key)))
})

test('a given key is used; two seals of the same manifest differ (random nonce)', () => {
  const key = prng(1).bytes(32)
  const a = sealManifest(fileManifest(), key)
  const b = sealManifest(fileManifest(), key)
  assert.is(a.key, key)
  assert.not.equal(a.sealed.subarray(0, 24), b.sealed.subarray(0, 24))
  assert.not.equal(a.sealed.subarray(24), b.sealed.subarray(24))
  assert.equal(plain(openManifest(a.sealed, key)), plain(openManifest(b.sealed, key)))
  const c = sealManifest(fileManifest())
  const d = sealManifest(fileManifest())
  assert.not.equal(c.key, d.key)
})

test('a caller-derived nonce makes sealing deterministic', () => {
  const key = prng(1).bytes(32)
  const nonce = prng(2).bytes(24)
  const a = sealManifest(fileManifest(), key, { nonce })
  const b = sealManifest(fileManifest(), key, { nonce })
  assert.equal(a.sealed, b.sealed)
  assert.equal(a.sealed.subarray(0, 24), nonce)
  throwsWith(() => sealManifest(fileManifest(), key, { nonce: new Uint8Array(12) }), TypeError, '24-byte')
})

test('keys that are not 32 bytes are a TypeError', () => {
  throwsWith(() => sealManifest(fileManifest(), new Uint8Array(16)), TypeError, '32-byte')
  const { sealed } = sealManifest(fileManifest())
  throwsWith(() => openManifest(sealed, new Uint8Array(33)), TypeError, '32-byte')
})

test('any flipped bit is an IntegrityError', () => {
  const { key, sealed } = sealManifest(fileManifest())
  const rng = prng(9)
  const positions = [0, 23, 24, 25, sealed.length - 17, sealed.length - 16, sealed.length - 1]
  for (let i = 0; i < 40; i++) positions.push(rng.int(sealed.length))
  for (const at of positions) {
    const tampered = Uint8Array.from(sealed)
    tampered[at] ^= 1 << rng.int(8)
    throwsWith(() => openManifest(tampered, key), IntegrityError, 'failed authentication')
  }
})

test('wrong key is an IntegrityError', () => {
  const { key, sealed } = sealManifest(fileManifest())
  const wrong = Uint8Array.from(key)
  wrong[31] ^= 0x80
  throwsWith(() => openManifest(sealed, wrong), IntegrityError, 'wrong key')
  throwsWith(() => openManifest(sealed, sealManifest(fileManifest()).key), IntegrityError, 'failed authentication')
})

test('truncated, extended or swapped sealed bytes are an IntegrityError', () => {
  const { key, sealed } = sealManifest(fileManifest())
  for (const length of [sealed.length - 1, sealed.length - 16, 40]) {
    throwsWith(() => openManifest(sealed.subarray(0, length), key), IntegrityError, 'failed authentication')
  }
  for (const length of [39, 24, 1, 0]) throwsWith(() => openManifest(sealed.subarray(0, length), key), IntegrityError, 'truncated')
  throwsWith(() => openManifest(new Uint8Array([...sealed, 0]), key), IntegrityError, 'failed authentication')
  // another manifest's ciphertext under this manifest's nonce
  const other = sealManifest(directoryManifest(), key).sealed
  throwsWith(() => openManifest(new Uint8Array([...sealed.subarray(0, 24), ...other.subarray(24)]), key), IntegrityError, 'failed authentication')
  throwsWith(() => openManifest('not bytes' as unknown as Uint8Array, key), IntegrityError, 'must be bytes')
})

test('sealed bytes larger than any sealed manifest are refused before decrypting', () => {
  const key = prng(4).bytes(32)
  throwsWith(() => openManifest(new Uint8Array(MAX_INLINE_MANIFEST_BYTES + 41), key), IntegrityError, 'larger than any sealed manifest')
})

test('bytes sealed under the same key without the manifest AAD do not open', () => {
  const key = prng(5).bytes(32)
  throwsWith(() => openManifest(sealRaw(encodeManifest(fileManifest()), key), key), IntegrityError, 'failed authentication')
  assert.equal(plain(openManifest(sealRaw(encodeManifest(fileManifest()), key, AAD), key)), plain(fileManifest()))
})

test('authentic but invalid contents are InvalidManifestError / UnsupportedManifestVersionError', () => {
  const key = prng(6).bytes(32)
  throwsWith(() => openManifest(sealRaw(encode({ version: 1, type: 'file' }), key, AAD), key), InvalidManifestError, 'size: missing')
  throwsWith(() => openManifest(sealRaw(encode({ version: 4, type: 'file' }), key, AAD), key), UnsupportedManifestVersionError, 'version 4')
})

test('a manifest over MAX_INLINE_MANIFEST_BYTES is not sealed: it must go indirect', () => {
  const template = chunk(1)
  const count = Math.ceil(MAX_INLINE_MANIFEST_BYTES / 100)
  const chunks: ChunkRef[] = Array.from({ length: count }, () => template)
  const big: FileManifest = { ...fileManifest(), size: template.size * count, chunks }
  assert.ok(encodeManifest(big).length > MAX_INLINE_MANIFEST_BYTES)
  throwsWith(() => sealManifest(big), InvalidManifestError, 'store it as content behind an indirect manifest')
})

test.run()
