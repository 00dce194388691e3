// The web dashboard's secrets (daemon/ui/sessions.ts) on a clock the test moves: a link's
// code works once and not after 2 minutes, a session ends after 12 h unused, a download
// ticket works once; and the ring of recent transfers.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createTransfers } from '../src/daemon/transfers.js'
import { CODE_TTL_MS, createUiSessions, SESSION_IDLE_MS, TICKET_TTL_MS } from '../src/daemon/ui/sessions.js'

function clock (): { now: () => number, advance: (ms: number) => void } {
  let t = 1_000_000
  return { now: () => t, advance: ms => { t += ms } }
}

test('a code opens one session, once', () => {
  const { now } = clock()
  const ui = createUiSessions(now)
  const code = ui.issueCode()
  assert.match(code, /^[A-Za-z0-9_-]{43}$/)
  const session = ui.redeemCode(code)
  assert.ok(session !== null && ui.isSession(session))
  assert.is(ui.redeemCode(code), null, 'spent')
  assert.is(ui.redeemCode('made-up'), null)
  assert.not.ok(ui.isSession(code), 'a code is no session')
})

test('a code expires; an expired one is spent too', () => {
  const { now, advance } = clock()
  const ui = createUiSessions(now)
  const late = ui.issueCode()
  const inTime = ui.issueCode()
  advance(CODE_TTL_MS - 1)
  assert.ok(ui.redeemCode(inTime) !== null)
  advance(1)
  assert.is(ui.redeemCode(late), null)
})

test('a session ends after 12 h unused; using it keeps it', () => {
  const { now, advance } = clock()
  const ui = createUiSessions(now)
  const used = ui.issueSession()
  const idle = ui.issueSession()
  advance(SESSION_IDLE_MS - 1000)
  assert.ok(ui.isSession(used))
  advance(2000)
  assert.ok(ui.isSession(used))
  assert.not.ok(ui.isSession(idle))
})

test('a download ticket names its file, once, within its time', () => {
  const { now, advance } = clock()
  const ui = createUiSessions(now)
  const ticket = ui.issueTicket({ uri: 'shoal:x#y', filename: 'a.bin' })
  assert.equal(ui.redeemTicket(ticket), { uri: 'shoal:x#y', filename: 'a.bin' })
  assert.is(ui.redeemTicket(ticket), null)
  const late = ui.issueTicket({ uri: 'shoal:x#y', filename: 'a.bin' })
  advance(TICKET_TTL_MS)
  assert.is(ui.redeemTicket(late), null)
  assert.not.ok(ui.isSession(late), 'a ticket is no session')
})

test('at most 64 sessions are kept: the oldest goes first', () => {
  const ui = createUiSessions(clock().now)
  const first = ui.issueSession()
  const rest = Array.from({ length: 64 }, () => ui.issueSession())
  assert.not.ok(ui.isSession(first))
  assert.ok(rest.every(s => ui.isSession(s)))
})

test('recent transfers: newest first, with their speed, the last 3 of a ring of 3', () => {
  const { now, advance } = clock()
  const transfers = createTransfers(3, now)
  for (const [i, ms] of [1000, 2000, 500, 250].entries()) {
    transfers.record({ direction: i % 2 === 0 ? 'put' : 'get', name: `f${i}`, bytes: 1_000_000, ms })
    advance(10)
  }
  const list = transfers.list()
  assert.equal(list.map(t => [t.name, t.bytesPerSecond]), [['f3', 4_000_000], ['f2', 2_000_000], ['f1', 500_000]])
  assert.is(list[0].at, 1_000_030)
})

test.run()
