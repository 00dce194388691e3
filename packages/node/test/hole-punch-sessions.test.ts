// Chunk streams and relayed connections (sessions.ts): to a peer whose only connection is
// relayed, a stream is opened only after a hole punch, on the connection the punch gave;
// when the punch fails, hangs or is not on, the request fails with ERR_RELAYED_ONLY instead
// of waiting. Two real nodes on loopback stand for the punched connection; what libp2p
// reports of the relayed one is stood in for.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { AbortOptions, Connection, PeerId } from '@libp2p/interface'
import { createChunkClient } from '../src/chunk-client.js'
import { RelayedOnlyError } from '../src/errors.js'
import { Sessions, type SessionOptions } from '../src/sessions.js'
import { randomChunk, startNodes, type Testnet } from './helpers.js'

let net: Testnet
let direct: Connection

test.before(async () => {
  net = await startNodes(2, { bootstrap: false })
  direct = await net.nodes[0].libp2p.dial(net.nodes[1].multiaddrs[0])
})
test.after(async () => { await net.stop() })

const RELAYED = { status: 'open', limits: { bytes: 131072n } } as unknown as Connection
const limitedError = (): Error => Object.assign(new Error('Cannot open protocol stream on limited connection'), { name: 'LimitedConnectionError' })

/**
 * What libp2p shows of a peer reached only through a relay, until a punch gives a direct
 * connection: then that one too, and streams are dialled over it. `connectedFirst`: the
 * relayed connection is there before the first request (else libp2p makes it while dialling).
 */
function relayedPeer (connectedFirst: boolean): { libp2p: ConstructorParameters<typeof Sessions>[0], punch: NonNullable<SessionOptions['punch']>, punched: string[] } {
  const punched: string[] = []
  const a = net.nodes[0].libp2p
  return {
    punched,
    libp2p: {
      getConnections: () => punched.length > 0 ? [RELAYED, direct] : connectedFirst ? [RELAYED] : [],
      dialProtocol: async (peer, protocols, options) => {
        if (punched.length > 0) return await a.dialProtocol(peer, protocols, options)
        if (connectedFirst) throw new Error('a chunk stream must not be dialled over the relay')
        throw limitedError()
      }
    },
    punch: async (peer: PeerId) => { punched.push(peer.toString()); return direct }
  }
}

const isRelayedOnly = (err: unknown): boolean => err instanceof RelayedOnlyError && err.code === 'ERR_RELAYED_ONLY'

for (const connectedFirst of [true, false]) {
  test(`${connectedFirst ? 'only a relayed connection' : 'libp2p dials over a relay'}: punched first, then the chunks go over the punched connection`, async () => {
    const { libp2p, punch, punched } = relayedPeer(connectedFirst)
    const chunks = createChunkClient(new Sessions(libp2p, { punch }))
    const b = net.nodes[1]
    const chunk = randomChunk(20_000)
    const signal = AbortSignal.timeout(5_000)
    assert.is(await chunks.put(b.peerId, chunk.cid, chunk.bytes, { signal }), true)
    assert.ok(Buffer.from((await chunks.get(b.peerId, chunk.cid, { signal }))!).equals(chunk.bytes), 'the bytes came back exact')
    assert.equal(punched, [b.peerId.toString()], 'one punch; later streams use the direct connection')
  })
}

let sessions: Sessions
const client = (options: Partial<SessionOptions>, connectedFirst = true): ReturnType<typeof createChunkClient> => {
  sessions = new Sessions(relayedPeer(connectedFirst).libp2p, options)
  return createChunkClient(sessions)
}

test('the punch fails: the request fails with ERR_RELAYED_ONLY', async () => {
  const chunks = client({ punch: async (peer: PeerId) => { throw new RelayedOnlyError(peer.toString(), 'symmetric NAT') } })
  const err = await chunks.get(net.nodes[1].peerId, randomChunk(10).cid, { signal: AbortSignal.timeout(5_000) }).catch((e: unknown) => e)
  assert.ok(isRelayedOnly(err), String(err))
  assert.match((err as Error).message, /symmetric NAT/)
  assert.is(sessions.relayedRefusals, 1, 'counted for the metrics')
})

test('the punch hangs: cut at its bound, ERR_RELAYED_ONLY', async () => {
  const hang = async (_peer: PeerId, options: AbortOptions): Promise<Connection> => await new Promise((_resolve, reject) => {
    options.signal?.addEventListener('abort', () => { reject(options.signal?.reason) }, { once: true })
  })
  const chunks = client({ punch: hang, punchTimeoutMs: 100 })
  const err = await chunks.get(net.nodes[1].peerId, randomChunk(10).cid, { signal: AbortSignal.timeout(5_000) }).catch((e: unknown) => e)
  assert.ok(isRelayedOnly(err), String(err))
  assert.match((err as Error).message, /no direct connection within 100 ms/)
})

test('no hole punching: a relayed-only peer fails with ERR_RELAYED_ONLY', async () => {
  for (const connectedFirst of [true, false]) {
    const err = await client({}, connectedFirst).get(net.nodes[1].peerId, randomChunk(10).cid, { signal: AbortSignal.timeout(5_000) }).catch((e: unknown) => e)
    assert.ok(isRelayedOnly(err), String(err))
  }
})

test.run()
