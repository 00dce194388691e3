// Wire codes <-> domain errors: matched by .code, with fixed messages that leak nothing.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { IntegrityError } from '@shoal/crypto'
import { fromWireError, isKnownWireErrorCode, ProtocolError, RemoteError, toWireError, WIRE_ERROR_CODES } from '../src/index.js'

/** stand-ins shaped like @shoal/store's errors (this package does not import the store) */
class NoSpaceError extends Error { readonly code = 'ERR_NO_SPACE'; constructor () { super('vault full: needs 5 bytes, 1 free') } }
class ChunkTooLargeError extends Error { readonly code = 'ERR_CHUNK_TOO_LARGE' }
class ChunkNotFoundError extends Error { readonly code = 'ERR_CHUNK_NOT_FOUND' }

test('domain errors map by code', () => {
  assert.is(toWireError(new NoSpaceError()).code, 'NO_SPACE')
  assert.is(toWireError(new IntegrityError('hash mismatch at /home/me/.shoal/blobs/x')).code, 'INTEGRITY')
  assert.is(toWireError(new ChunkTooLargeError('big')).code, 'TOO_LARGE')
  assert.is(toWireError(new ChunkNotFoundError('gone')).code, 'NOT_FOUND')
  assert.is(toWireError({ code: 'ERR_UNSUPPORTED_CID' }).code, 'BAD_REQUEST')
})

test('messages are fixed: no free space, paths or internals cross the wire', () => {
  assert.not.match(toWireError(new NoSpaceError()).message, /\d/)
  assert.not.match(toWireError(new IntegrityError('hash mismatch at /home/me/.shoal/blobs/x')).message, /home/)
  const internal = toWireError(Object.assign(new Error('EACCES: /var/lib/shoal/index'), { code: 'EACCES' }))
  assert.equal(internal, { code: 'UNKNOWN', message: 'internal error' })
  assert.equal(toWireError(new TypeError('x is undefined')), { code: 'UNKNOWN', message: 'internal error' })
  assert.equal(toWireError('a string'), { code: 'UNKNOWN', message: 'internal error' })
  assert.equal(toWireError(null), { code: 'UNKNOWN', message: 'internal error' })
  assert.equal(toWireError({ code: 'toString' }), { code: 'UNKNOWN', message: 'internal error' })
})

test('a ProtocolError answers with its own wire code and reason', () => {
  const err = new ProtocolError('TOO_LARGE', 'frame of 9 bytes exceeds the 8 byte maximum', 4)
  assert.equal(toWireError(err), { code: 'TOO_LARGE', message: 'frame of 9 bytes exceeds the 8 byte maximum' })
  assert.is(err.code, 'ERR_PROTOCOL')
  assert.is(err.name, 'ProtocolError')
  assert.is(err.id, 4)
})

test('an ERR answer becomes a RemoteError', () => {
  const err = fromWireError({ id: 7, code: 'RATE_LIMITED', message: 'slow down' })
  assert.instance(err, RemoteError)
  assert.is(err.code, 'ERR_REMOTE')
  assert.is(err.wireCode, 'RATE_LIMITED')
  assert.is(err.id, 7)
  assert.is(err.message, 'peer answered RATE_LIMITED: slow down')
})

test('known codes', () => {
  assert.equal([...WIRE_ERROR_CODES], ['NOT_FOUND', 'NO_SPACE', 'INTEGRITY', 'TOO_LARGE', 'BAD_REQUEST', 'RATE_LIMITED', 'UNAUTHORIZED', 'DEBT'])
  assert.ok(isKnownWireErrorCode('NO_SPACE'))
  assert.not.ok(isKnownWireErrorCode('UNKNOWN'))
  assert.not.ok(isKnownWireErrorCode('constructor'))
})

test.run()
