// A dial-back request that got no answer (it failed or timed out, as on a loaded machine)
// is asked again after retryMs, not a whole period (10 minutes) later: a node whose first
// requests all failed would otherwise stay `unknown` that long (reachability-service.ts).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Connection, IdentifyResult, Libp2p } from '@libp2p/interface'
import { DIAL_BACK_PROTOCOL, startReachability } from '../src/reachability-service.js'
import { debugLogger } from '../src/logger.js'

const PEER = peerIdFromString('12D3KooWHUE6MYuhpq8baVoduSEL1G1yc3oPNdHRpfUvL91oFVnu')
const SELF = peerIdFromString('12D3KooW9qdd2b83hi3x8kqdoZkPxZz2aWsqZ3mgyyvd6hRL8dgU')
type Node = Parameters<typeof startReachability>[0]

/** A node with one direct connection to PEER, on which every dial-back request fails; counts the requests. */
function failingNode (): { node: Node, asked: () => number, identify: () => void } {
  let asked = 0
  let listener: ((evt: CustomEvent<IdentifyResult>) => void) | undefined
  const connection = {
    remotePeer: PEER,
    remoteAddr: multiaddr(`/ip4/198.18.0.2/tcp/4001/p2p/${PEER.toString()}`),
    status: 'open',
    direction: 'outbound',
    limits: undefined,
    newStream: async () => { asked++; throw new Error('the peer is too busy to answer in time') }
  } as unknown as Connection
  const node = {
    peerId: SELF,
    handle: async () => {},
    dial: async () => connection,
    getConnections: () => [connection],
    getMultiaddrs: () => [multiaddr('/ip4/198.18.0.3/tcp/4001')],
    addEventListener: (_: string, fn: (evt: CustomEvent<IdentifyResult>) => void) => { listener = fn },
    removeEventListener: () => { listener = undefined }
  } as unknown as Pick<Libp2p, keyof Node>
  const identify = (): void => {
    listener?.(new CustomEvent('peer:identify', { detail: { peerId: PEER, protocols: [DIAL_BACK_PROTOCOL], connection, listenAddrs: [] } as unknown as IdentifyResult }))
  }
  return { node, asked: () => asked, identify }
}

async function until (check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!check() && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 10))
  return check()
}

test('a peer whose dial-back request failed is asked again after retryMs, not a period later', async () => {
  const { node, asked, identify } = failingNode()
  const service = await startReachability(node, { publicRanges: ['198.18.0.0/16'], retryMs: 50 }, debugLogger('test'))
  try {
    identify()
    assert.ok(await until(() => asked() >= 1, 5_000), 'asked as identify said it speaks dial-back')
    assert.ok(await until(() => asked() >= 2, 5_000), `asked again after the failure: ${asked()} requests`)
    assert.is(service.report().state, 'unknown', 'no answer is no news')
  } finally {
    service.stop()
  }
})

test('once stopped, nobody is asked again', async () => {
  const { node, asked, identify } = failingNode()
  const service = await startReachability(node, { publicRanges: ['198.18.0.0/16'], retryMs: 50 }, debugLogger('test'))
  identify()
  assert.ok(await until(() => asked() >= 1, 5_000))
  service.stop()
  const before = asked()
  await new Promise(resolve => setTimeout(resolve, 200))
  assert.is(asked(), before)
})

test.run()
