// Chunk dials and relays (relay-guard.ts): a peer reachable through a relay only is refused
// at once with RelayedOnlyError, and counted; a direct connection, or none, is dialled as usual.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { peerIdFromString } from '@libp2p/peer-id'
import { LimitedConnectionError, type Connection, type Stream } from '@libp2p/interface'
import { guardChunkDials, RelayedOnlyError, relayedOnly } from '../src/relay-guard.js'

const PEER = peerIdFromString('12D3KooWGhTZyTirSsA9sAF2ddx9bNC39dgSLdB7L2P6jdQDtaLy')
const relayed = { status: 'open', limits: { bytes: 1024n, seconds: 120 } } as unknown as Connection
const direct = { status: 'open', limits: undefined } as unknown as Connection
const closedDirect = { status: 'closed', limits: undefined } as unknown as Connection
const STREAM = {} as unknown as Stream

function libp2p (connections: Connection[], dial: () => Promise<Stream> = async () => STREAM): { dials: number } & Parameters<typeof guardChunkDials>[0] {
  const node = {
    dials: 0,
    getConnections: () => connections,
    dialProtocol: async () => { node.dials++; return await dial() }
  }
  return node as unknown as { dials: number } & Parameters<typeof guardChunkDials>[0]
}

test('relayedOnly: every open connection limited, and at least one', () => {
  assert.ok(relayedOnly([relayed]))
  assert.ok(relayedOnly([relayed, closedDirect]))
  assert.not.ok(relayedOnly([relayed, direct]))
  assert.not.ok(relayedOnly([]))
})

test('a peer connected through a relay only: refused at once with ERR_RELAYED_ONLY, not dialled, counted', async () => {
  const node = libp2p([relayed])
  const guard = guardChunkDials(node)
  const err = await guard.dialProtocol(PEER, '/shoal/chunk/2.0.0').then(() => null, (e: unknown) => e)
  assert.instance(err, RelayedOnlyError)
  assert.is((err as RelayedOnlyError).code, 'ERR_RELAYED_ONLY')
  assert.is(node.dials, 0)
  assert.is(guard.refused(), 1)
})

test('a dial that ends on a relayed connection: libp2p\'s LimitedConnectionError becomes RelayedOnlyError, counted', async () => {
  const guard = guardChunkDials(libp2p([], async () => { throw new LimitedConnectionError('Cannot open protocol stream on limited connection') }))
  const err = await guard.dialProtocol(PEER, '/shoal/chunk/2.0.0').then(() => null, (e: unknown) => e)
  assert.instance(err, RelayedOnlyError)
  assert.is(guard.refused(), 1)
})

test('a direct connection beside the relayed one, or none at all: dialled as usual; other errors pass through', async () => {
  const both = libp2p([relayed, direct])
  assert.is(await guardChunkDials(both).dialProtocol(PEER, '/shoal/chunk/2.0.0'), STREAM)
  assert.is(both.dials, 1)
  const failing = guardChunkDials(libp2p([], async () => { throw new Error('dial timed out') }))
  await failing.dialProtocol(PEER, '/shoal/chunk/2.0.0').then(() => assert.unreachable(), (e: Error) => { assert.is(e.message, 'dial timed out') })
  assert.is(failing.refused(), 0)
})

test.run()
