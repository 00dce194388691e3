// The front door exports exactly this; internals (the nonce-taking AEAD cores,
// hmacSha256, xchachaSealWithNonce) stay out of it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as api from '../src/index.js'

test('exports exactly the public API', () => {
  assert.equal(Object.keys(api).sort(), [
    'CONVERGENCE_SECRET_FILE',
    'DIGEST_BYTES',
    'ExposedSecretFileError',
    'IntegrityError',
    'InvalidConvergenceSecretError',
    'KEY_BYTES',
    'SHARED_CONVERGENCE_DOMAIN',
    'SHARED_CONVERGENCE_SECRET',
    'TAG_BYTES',
    'convergentKey',
    'convergentKeyFromDigest',
    'generateConvergenceSecret',
    'loadOrCreateConvergenceSecret',
    'nobleCipher',
    'nodeCipher',
    'randomKey',
    'readSecretFile',
    'resolveConvergenceSecret',
    'sha256',
    'wipe',
    'xchachaOpen',
    'xchachaSeal'
  ])
})

test('sizes', () => {
  assert.is(api.KEY_BYTES, 32)
  assert.is(api.TAG_BYTES, 16)
  assert.is(api.DIGEST_BYTES, 32)
})

test('IntegrityError keeps its name and code', () => {
  const err = new api.IntegrityError('x')
  assert.instance(err, Error)
  assert.is(err.name, 'IntegrityError')
  assert.is(err.code, 'ERR_INTEGRITY')
  assert.is(api.IntegrityError.code, 'ERR_INTEGRITY')
})

test('the two ciphers are named and frozen', () => {
  assert.is(api.nodeCipher.name, 'node:crypto')
  assert.is(api.nobleCipher.name, '@noble/ciphers')
  assert.ok(Object.isFrozen(api.nodeCipher) && Object.isFrozen(api.nobleCipher))
})

test.run()
