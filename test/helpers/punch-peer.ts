// A bare libp2p node for the hole-punch test (test/nat-punch.test.ts), run in a NAT lab
// namespace: a circuit relay v2 server (role "relay") or a node that reserves a slot on
// that relay and runs our hole punch (role "peer"). It prints one JSON line when ready and
// answers JSON commands on stdin, one line each:
//   { cmd: 'dial', address }     → { limited }           a connection (relayed) to that address
//   { cmd: 'punch', peer }       → { ok, ms, address, limited } or { ok: false, ms, code, message }
//   { cmd: 'echo', peer, bytes } → { equal, address }    bytes sent and echoed on a stream that may not run on a limited connection
//   { cmd: 'hangup', peer }      → { closed }             closes the direct connections to the peer
//   { cmd: 'counters' }          → the punch counters
// Usage: node punch-peer.js '{"role":"relay","listen":"/ip4/…/tcp/4001"}'
//        node punch-peer.js '{"role":"peer","relay":"/ip4/…/tcp/4001/p2p/…","publicRanges":["198.18.0.0/16"],"punchAfterStart":true}'
import { createHash, randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Stream } from '@libp2p/interface'
import { holePunchParts, startHolePunch, type HolePunch } from '@shoal/node/hole-punch'

const ECHO = '/shoal-test/echo/1.0.0'

interface Config { role: 'relay' | 'peer', listen?: string, relay?: string, publicRanges?: string[], punchAfterStart?: boolean }
const config = JSON.parse(process.argv[2]) as Config

const node = await createLibp2p({
  start: false,
  addresses: { listen: config.role === 'relay' ? [config.listen ?? '/ip4/0.0.0.0/tcp/4001'] : [`${config.relay}/p2p-circuit`] },
  transports: [tcp(), circuitRelayTransport()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    punchParts: holePunchParts,
    ...(config.role === 'relay' ? { relay: circuitRelayServer() } : {})
  }
})

let punch: HolePunch | null = null
const startPunch = async (): Promise<void> => {
  punch = await startHolePunch(node, {
    parts: node.services.punchParts,
    publicRanges: config.publicRanges ?? [],
    identify: async (connection, options) => await node.services.identify.identify(connection, options)
  })
}
if (config.role === 'peer') {
  // echoes every byte back; not on limited connections, as a chunk stream
  await node.handle(ECHO, async (stream: Stream) => {
    for await (const chunk of stream) stream.send(chunk)
    await stream.close()
  })
  // before start, it hears identify tell the node its public address; after, it must ask
  if (config.punchAfterStart !== true) await startPunch()
}

await node.start()
if (config.role === 'peer' && config.punchAfterStart === true) await startPunch()

// the relayed address of a peer appears once its reservation is made
const deadline = Date.now() + 10_000
while (config.role === 'peer' && !node.getMultiaddrs().some(a => a.toString().includes('/p2p-circuit')) && Date.now() < deadline) {
  await new Promise(resolve => setTimeout(resolve, 50))
}
console.log(JSON.stringify({ ready: true, peerId: node.peerId.toString(), addresses: node.getMultiaddrs().map(String) }))

async function run (command: Record<string, unknown>): Promise<Record<string, unknown>> {
  switch (command.cmd) {
    case 'dial': {
      const connection = await node.dial(multiaddr(String(command.address)), { signal: AbortSignal.timeout(10_000) })
      return { limited: connection.limits != null, address: connection.remoteAddr.toString() }
    }
    case 'punch': {
      const started = performance.now()
      try {
        const connection = await punch!.punch(peerIdFromString(String(command.peer)))
        return { ok: true, ms: Math.round(performance.now() - started), address: connection.remoteAddr.toString(), limited: connection.limits != null }
      } catch (err) {
        return { ok: false, ms: Math.round(performance.now() - started), code: (err as { code?: string }).code, message: (err as Error).message }
      }
    }
    case 'echo': {
      const sent = randomBytes(Number(command.bytes))
      const stream = await node.dialProtocol(peerIdFromString(String(command.peer)), ECHO, { signal: AbortSignal.timeout(10_000) })
      const address = node.getConnections(peerIdFromString(String(command.peer))).find(c => c.streams.includes(stream))?.remoteAddr.toString()
      const reading = (async () => {
        const parts: Uint8Array[] = []
        for await (const chunk of stream) parts.push(chunk.subarray())
        return Buffer.concat(parts)
      })()
      for (let i = 0; i < sent.length; i += 64 * 1024) {
        if (!stream.send(sent.subarray(i, i + 64 * 1024))) await stream.onDrain({ signal: AbortSignal.timeout(10_000) })
      }
      await stream.close()
      const got = await reading
      const digest = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
      return { equal: digest(got) === digest(sent), bytes: got.length, address }
    }
    case 'hangup': {
      const direct = node.getConnections(peerIdFromString(String(command.peer))).filter(c => c.limits == null)
      await Promise.all(direct.map(async c => { await c.close() }))
      return { closed: direct.length }
    }
    case 'counters':
      return { ...punch?.counters }
    default:
      return { error: `unknown command ${String(command.cmd)}` }
  }
}

// one answer line per command line, in order
const lines = createInterface({ input: process.stdin })
for await (const line of lines) {
  const answer = await run(JSON.parse(line) as Record<string, unknown>).catch((err: Error) => ({ error: err.message }))
  console.log(JSON.stringify(answer))
}
await node.stop()
