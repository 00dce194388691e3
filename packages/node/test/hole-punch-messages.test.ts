// The /shoal/punch/1.0.0 messages: what goes out comes back the same, and anything that is
// not a well-formed message is refused with PunchMessageError rather than acted on (a
// CONNECT names where this node will send SYNs).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { MAX_PUNCH_MESSAGE_BYTES, PunchMessageError, decodePunchMessage, encodePunchMessage, type PunchMessage } from '../src/hole-punch-messages.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const isPunchMessageError = (err: Error): boolean => err instanceof PunchMessageError && err.code === 'ERR_PUNCH_MESSAGE'

test('each message comes back as it was sent', () => {
  const messages: PunchMessage[] = [
    { type: 'connect', ip: '198.18.1.1', port: 41000 },
    { type: 'connect', ip: '8.8.8.8', port: 1 },
    { type: 'connect', ip: '1.2.3.4', port: 65535 },
    { type: 'sync' },
    { type: 'refuse', reason: 'busy' }
  ]
  for (const message of messages) assert.equal(decodePunchMessage(encodePunchMessage(message)), message)
})

test('fields the protocol does not have are dropped', () => {
  assert.equal(decodePunchMessage(bytes('{"type":"sync","extra":[1,2,3]}')), { type: 'sync' })
  assert.equal(decodePunchMessage(bytes('{"type":"connect","ip":"1.2.3.4","port":80,"host":"evil"}')), { type: 'connect', ip: '1.2.3.4', port: 80 })
})

test('a CONNECT whose address or port is not one is refused', () => {
  for (const body of [
    '{"type":"connect","ip":"example.com","port":80}',
    '{"type":"connect","ip":"::1","port":80}',
    '{"type":"connect","ip":"1.2.3","port":80}',
    '{"type":"connect","ip":"1.2.3.4","port":0}',
    '{"type":"connect","ip":"1.2.3.4","port":65536}',
    '{"type":"connect","ip":"1.2.3.4","port":80.5}',
    '{"type":"connect","ip":"1.2.3.4","port":"80"}',
    '{"type":"connect","port":80}'
  ]) {
    assert.throws(() => decodePunchMessage(bytes(body)), isPunchMessageError, body)
  }
})

test('not JSON, not an object, an unknown type, or too long: refused', () => {
  for (const body of [bytes('{"type":'), bytes('null'), bytes('[1]'), bytes('"sync"'), bytes('{"type":"punch"}'), bytes('{}'), new Uint8Array([0xff, 0xfe])]) {
    assert.throws(() => decodePunchMessage(body), isPunchMessageError)
  }
  assert.throws(() => decodePunchMessage(bytes(`{"type":"sync","pad":"${'x'.repeat(MAX_PUNCH_MESSAGE_BYTES)}"}`)), isPunchMessageError)
  assert.throws(() => encodePunchMessage({ type: 'refuse', reason: 'x'.repeat(MAX_PUNCH_MESSAGE_BYTES) }), isPunchMessageError)
})

test('a refusal\'s reason is cut short, or given when missing', () => {
  const long = decodePunchMessage(bytes(`{"type":"refuse","reason":"${'y'.repeat(200)}"}`))
  assert.is(long.type === 'refuse' && long.reason.length, 160)
  assert.equal(decodePunchMessage(bytes('{"type":"refuse"}')), { type: 'refuse', reason: 'no reason given' })
})

test.run()
