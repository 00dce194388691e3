// Hole punching in the NAT lab (issue 18; root only): a public circuit relay, two nodes
// behind port-preserving routers and one behind a symmetric router, each a bare libp2p node
// (test/helpers/punch-peer.ts) running our /shoal/punch/1.0.0. Two port-preserving nodes
// joined through the relay punch a direct connection and move bytes over it, on a protocol
// that will not run on a relayed connection; a punch to the symmetric node fails within its
// bound with ERR_RELAYED_ONLY. PUNCH_ROUNDS (default 3) sets how many punches per pair.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface, type Interface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { createNatLab, natLabUnavailable, type LabHost, type NatLab } from '@shoal/cli'

const unavailable = await natLabUnavailable()
if (unavailable !== null) console.log(`  NAT hole-punch test skipped: ${unavailable}`)
const run = unavailable === null ? test : test.skip

const PEER_SCRIPT = fileURLToPath(new URL('./helpers/punch-peer.js', import.meta.url))
const PUBLIC_RANGES = ['198.18.0.0/16']
const ROUNDS = Number(process.env.PUNCH_ROUNDS ?? 3)
/** the punch's own bound (hole-punch.ts DEFAULT_HOLE_PUNCH_OPTIONS.boundMs), and slack for a loaded machine */
const PUNCH_BOUND_MS = 6_000
const SLACK_MS = 2_000

interface Peer {
  id: string
  addresses: string[]
  ask: (command: Record<string, unknown>) => Promise<Record<string, any>>
  child: ChildProcess
}

let lab: NatLab
const peers: Peer[] = []

/** Starts punch-peer.js in `host`'s namespace; resolves once it printed its ready line. */
async function startPeer (host: LabHost, config: Record<string, unknown>): Promise<Peer> {
  const [command, ...argv] = lab.command(host, [process.execPath, PEER_SCRIPT, JSON.stringify(config)])
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines: Interface = createInterface({ input: child.stdout! })
  const waiting: Array<(line: string) => void> = []
  lines.on('line', line => { waiting.shift()?.(line) })
  const next = async (what: string, ms: number): Promise<Record<string, any>> => await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`no answer to ${what} within ${ms} ms`)) }, ms)
    waiting.push(line => { clearTimeout(timer); resolve(JSON.parse(line)) })
  })
  const ready = await next('start', 20_000)
  const peer: Peer = {
    id: ready.peerId,
    addresses: ready.addresses,
    child,
    ask: async command => {
      const answer = next(JSON.stringify(command), 30_000)
      child.stdin!.write(JSON.stringify(command) + '\n')
      return await answer
    }
  }
  peers.push(peer)
  return peer
}

let relay: Peer
let a: Peer
let b: Peer
let c: Peer

test.before(async () => {
  if (unavailable !== null) return
  lab = await createNatLab()
  const relayHost = await lab.addPublic()
  relay = await startPeer(relayHost, { role: 'relay', listen: `/ip4/${relayHost.address}/tcp/4001` })
  const relayAddress = `/ip4/${relayHost.address}/tcp/4001/p2p/${relay.id}`
  const behind = async (kind: 'port-preserving' | 'symmetric', punchAfterStart = false): Promise<Peer> =>
    await startPeer(await lab.addBehind(await lab.addHome(kind)), { role: 'peer', relay: relayAddress, publicRanges: PUBLIC_RANGES, punchAfterStart })
  // a learns its public address by asking identify again, b and c as identify first runs
  a = await behind('port-preserving', true)
  b = await behind('port-preserving')
  c = await behind('symmetric')
})

test.after(async () => {
  for (const peer of peers) peer.child.kill('SIGKILL')
  await lab?.destroy()
})

const relayed = (peer: Peer): string => {
  const address = peer.addresses.find(a => a.includes('/p2p-circuit'))
  assert.ok(address, `the peer has a relayed address: ${peer.addresses.join(', ')}`)
  return address
}

run('behind two port-preserving routers: a punch over the relay gives a direct connection that carries bytes', async () => {
  const dialled = await a.ask({ cmd: 'dial', address: relayed(b) })
  assert.is(dialled.limited, true, `first connection is relayed: ${JSON.stringify(dialled)}`)
  for (let round = 0; round < ROUNDS; round++) {
    const punched = await a.ask({ cmd: 'punch', peer: b.id })
    console.log(`  punch a→b (port-preserving) round ${round + 1}: ${JSON.stringify(punched)}`)
    assert.is(punched.ok, true, `punch failed: ${JSON.stringify(punched)}`)
    assert.is(punched.limited, false, 'the punched connection is not limited')
    assert.not.match(punched.address, /p2p-circuit/, 'the punched connection is direct')
    const echoed = await a.ask({ cmd: 'echo', peer: b.id, bytes: 1024 * 1024 })
    assert.is(echoed.equal, true, `1 MiB came back exact: ${JSON.stringify(echoed)}`)
    assert.not.match(echoed.address, /p2p-circuit/, 'the bytes went over the direct connection')
    if (round + 1 < ROUNDS) await a.ask({ cmd: 'hangup', peer: b.id })
  }
  const counters = await a.ask({ cmd: 'counters' })
  assert.is(counters.succeeded, ROUNDS)
  assert.is(counters.failed, 0)
})

run('behind a symmetric router: the punch fails within its bound, with ERR_RELAYED_ONLY', async () => {
  const dialled = await a.ask({ cmd: 'dial', address: relayed(c) })
  assert.is(dialled.limited, true, `first connection is relayed: ${JSON.stringify(dialled)}`)
  for (let round = 0; round < ROUNDS; round++) {
    const punched = await a.ask({ cmd: 'punch', peer: c.id })
    console.log(`  punch a→c (symmetric) round ${round + 1}: ${JSON.stringify(punched)}`)
    assert.is(punched.ok, false, 'no direct connection through a symmetric NAT')
    assert.is(punched.code, 'ERR_RELAYED_ONLY', punched.message)
    assert.ok(punched.ms < PUNCH_BOUND_MS + SLACK_MS, `failed in ${punched.ms} ms`)
  }
  const echoed = await a.ask({ cmd: 'echo', peer: c.id, bytes: 1024 })
  assert.ok(echoed.error, `a stream that may not run on a relayed connection is not opened: ${JSON.stringify(echoed)}`)
})

test.run()
