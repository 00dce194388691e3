// Which peers count as reachable through a relay only (relay-guard.ts); what a chunk request
// to one does is hole-punch-sessions.test.ts's.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Connection } from '@libp2p/interface'
import { relayedOnly } from '../src/relay-guard.js'

const relayed = { status: 'open', limits: { bytes: 1024n, seconds: 120 } } as unknown as Connection
const direct = { status: 'open', limits: undefined } as unknown as Connection
const closedDirect = { status: 'closed', limits: undefined } as unknown as Connection

test('relayedOnly: every open connection limited, and at least one', () => {
  assert.ok(relayedOnly([relayed]))
  assert.ok(relayedOnly([relayed, closedDirect]))
  assert.not.ok(relayedOnly([relayed, direct]))
  assert.not.ok(relayedOnly([]))
})

test.run()
