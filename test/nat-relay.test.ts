// Circuit relay over emulated NATs (issue 18, stage 2; root only): real `shoal node`
// processes in the NAT lab (apps/shoal/src/netns/nat-lab.ts): two public vaults, which
// offer circuit relay, and a vault behind a port-preserving and one behind a symmetric
// router. Each NATed vault must say which it is (hole punching vs relayed only), hold a
// relay slot and announce its /p2p-circuit address; a node behind a third router must
// open a relayed connection on that address, and a chunk
// request over that connection must be refused with ERR_RELAYED_ONLY and counted; the
// relay's bytes stay under its data limit. The lab's "internet" is 198.18.0.0/16, which
// libp2p counts as private: every node is told it is public with --public-ranges.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNatLab, natLabUnavailable, shoalBin, type Home, type LabHost, type NatLab } from '@shoal/cli'
import { RELAY_LIMITS, RELAY_SLOTS } from '@shoal/node'
import { VAULT_PORT, runIn, startLabVault, statusOf as labStatusOf, stopLabVault, type LabVault } from './helpers/nat-vaults.js'

// generous: the machines that run it are shared and loaded
const SETTLE_MS = 150_000

const unavailable = await natLabUnavailable()
if (unavailable !== null) console.log(`  NAT relay test skipped: ${unavailable}`)

type Vault = LabVault
interface ServerStats { serving: boolean, reservations: number, circuits: number, bytes: number, maxCircuitBytes: number }
interface Status {
  peerId: string
  addresses: string[]
  reachability: { state: string, label: string, hint: string, relays: string[], nat: { mapping: string, publicIp: string | null } }
  relay: { reservations: string[], relayedConnections: number, refusedChunkRequests: number, server: ServerStats | null }
}
/** What the dialler (DIALLER below) says of one target. */
interface Dialled { target: string, found: string[], via?: 'dht' | 'status', dialled?: string, limited?: boolean, error?: string, code?: string, refused?: number }

let lab: NatLab
let work = ''
let bootstrap = ''
const vaults: Vault[] = []

const startVault = async (name: string, host: LabHost, home?: Home): Promise<LabVault> =>
  await startLabVault(lab, { name, host, home, work, bootstrap: bootstrap !== '' ? bootstrap : undefined, flags: ['--no-upnp'] })

const statusOf = async (vault: Vault): Promise<Status> => await labStatusOf<Status>(lab, vault)

/** Each vault's status once `done` says so (or the last seen, after SETTLE_MS). */
async function settle (wanted: Vault[], done: (vault: Vault, status: Status) => boolean): Promise<Map<Vault, Status>> {
  const deadline = Date.now() + SETTLE_MS
  const seen = new Map<Vault, Status>()
  for (;;) {
    for (const vault of wanted) seen.set(vault, await statusOf(vault))
    if (wanted.every(v => done(v, seen.get(v)!)) || Date.now() > deadline) return seen
    await new Promise(resolve => setTimeout(resolve, 2_000))
  }
}

// A DHT client behind its own router: it looks each target up in the DHT, dials a
// /p2p-circuit address it was given (else the one the target's status shows: a vault in
// DHT client mode is not handed out by DHT servers), and asks the target over that
// connection whether it holds a chunk. Targets are peerId=address; one JSON line each.
const DIALLER = `
const [nodeUrl, maUrl, cidUrl, shaUrl, peerIdUrl, dataDir, listen, bootstrap, ...targets] = process.argv.slice(2)
const { createNode } = await import(nodeUrl)
const { multiaddr } = await import(maUrl)
const { CID } = await import(cidUrl)
const { sha256 } = await import(shaUrl)
const { peerIdFromString } = await import(peerIdUrl)
const node = createNode({ dataDir, listen: [listen], space: 0, clientMode: true, bootstrap: [bootstrap] })
await node.start()
const cid = CID.create(1, 0x55, await sha256.digest(new TextEncoder().encode('anything')))
for (const pair of targets) {
  const [target, announced] = pair.split('=')
  const out = { target, found: [] }
  try {
    const info = await node.libp2p.peerRouting.findPeer(peerIdFromString(target), { signal: AbortSignal.timeout(20000) }).catch(() => ({ multiaddrs: [] }))
    out.found = info.multiaddrs.map(String)
    const found = info.multiaddrs.find(ma => ma.toString().includes('/p2p-circuit'))
    out.via = found !== undefined ? 'dht' : 'status'
    const circuit = found ?? multiaddr(announced)
    const address = circuit.toString().includes('/p2p/' + target) ? circuit : circuit.encapsulate('/p2p/' + target)
    out.dialled = address.toString()
    const connection = await node.libp2p.dial(address, { signal: AbortSignal.timeout(20000) })
    out.limited = connection.limits != null
    await node.chunks.has(connection.remotePeer, [cid], { signal: AbortSignal.timeout(20000) })
  } catch (err) {
    out.error = err.message
    out.code = err.code
  }
  out.refused = node.relay.refusedChunkRequests
  console.log(JSON.stringify(out))
}
await node.stop()
process.exit(0)
`

/** The dialler run behind `home`, at the targets; what it says of each. */
async function dialFrom (host: LabHost, targets: string[]): Promise<Dialled[]> {
  const script = join(work, 'dialler.mjs')
  await writeFile(script, DIALLER)
  const urls = ['@shoal/node', '@multiformats/multiaddr', 'multiformats/cid', 'multiformats/hashes/sha2', '@libp2p/peer-id'].map(m => import.meta.resolve(m))
  const out = await runIn(lab, host, [process.execPath, script, ...urls, await mkdtemp(join(work, 'dialler-')), `/ip4/${host.address}/tcp/0`, bootstrap, ...targets], 'the dialler', { timeoutMs: 120_000 })
  return out.trim().split('\n').map(line => JSON.parse(line) as Dialled)
}

test.before(async () => {
  if (unavailable !== null) return
  work = await mkdtemp(join(tmpdir(), 'shoal-relay-'))
  lab = await createNatLab()
  // uvu does not say why a hook failed: said here
  try {
    const first = await startVault('public-0', await lab.addPublic())
    vaults.push(first)
    bootstrap = first.started.addresses.find(a => a.includes(first.host.address)) ?? ''
    vaults.push(await startVault('public-1', await lab.addPublic()))
    for (const kind of ['port-preserving', 'symmetric'] as const) {
      const home = await lab.addHome(kind)
      vaults.push(await startVault(kind, await lab.addBehind(home), home))
    }
  } catch (err) {
    console.error(`  the NAT lab's vaults did not start: ${(err as Error).message}`)
    throw err
  }
})
test.after(async () => {
  for (const vault of vaults) await stopLabVault(vault)
  await lab?.destroy()
  if (work !== '') await rm(work, { recursive: true, force: true })
})

const run = unavailable === null ? test : test.skip
const EXPECTED: Record<string, string> = { 'port-preserving': 'hole-punching', symmetric: 'relayed' }

run('behind NAT: hole punching where the router keeps ports, relayed only where not; each holds relay slots and announces them', async () => {
  const natted = vaults.filter(v => v.home !== undefined)
  const seen = await settle(vaults, (vault, status) => vault.home === undefined
    ? status.reachability.state === 'public' && status.relay.server?.reservations === RELAY_SLOTS
    : status.reachability.state === EXPECTED[vault.home.kind] && status.relay.reservations.length === RELAY_SLOTS)
  for (const vault of natted) {
    const { reachability, relay, addresses } = seen.get(vault)!
    console.log(`  ${vault.name}: ${reachability.label}: ${reachability.hint}`)
    assert.is(reachability.state, EXPECTED[vault.home!.kind], `${vault.name}: ${JSON.stringify(reachability)}`)
    assert.is(reachability.nat.mapping, vault.home!.kind === 'symmetric' ? 'changing' : 'preserving', vault.name)
    assert.is(reachability.nat.publicIp, vault.home!.wan, `${vault.name}: peers see it at its router's address`)
    assert.match(reachability.hint, /forward TCP port 4001/, vault.name)
    // a slot on each public vault, announced
    assert.is(relay.reservations.length, RELAY_SLOTS, `${vault.name}: ${JSON.stringify(relay)}`)
    for (const publicVault of vaults.filter(v => v.home === undefined)) {
      const prefix = `/ip4/${publicVault.host.address}/tcp/${VAULT_PORT}/p2p/${publicVault.started.peerId}/p2p-circuit`
      assert.ok(addresses.some(a => a.startsWith(prefix)), `${vault.name} announces ${prefix}: ${addresses.join(' ')}`)
    }
  }
  for (const vault of vaults.filter(v => v.home === undefined)) {
    const { reachability, relay } = seen.get(vault)!
    assert.is(reachability.state, 'public', vault.name)
    assert.equal(relay.reservations, [], `${vault.name} is public: it holds no slot`)
    assert.is(relay.server?.serving, true, vault.name)
    assert.is(relay.server?.reservations, RELAY_SLOTS, `${vault.name} holds a slot for each NATed vault`)
  }
  // said in the text of `shoal status` and the log
  const symmetric = natted.find(v => v.home?.kind === 'symmetric')!
  const text = await runIn(lab, symmetric.host, [process.execPath, shoalBin, 'status', '--data', symmetric.dataDir], 'shoal status')
  assert.match(text, /^reach {3}behind NAT, relayed only: /m)
  assert.match(text, /^relay {3}slot at \/ip4\/198\.18\.0\.\d+\/tcp\/4001\/p2p\/\w+\/p2p-circuit/m)
  assert.match(symmetric.log(), /reachability: behind NAT, relayed only/)
  assert.match(symmetric.log(), /DHT: client mode/)
})

run('a node behind another NAT connects to each NATed vault through a relay; chunk requests over it are refused, counted, and the relay stays under its limit', async () => {
  const natted = vaults.filter(v => v.home !== undefined)
  const dialler = await lab.addBehind(await lab.addHome('symmetric'))
  const statuses = await Promise.all(natted.map(statusOf))
  const results = await dialFrom(dialler, natted.map((v, i) => `${v.started.peerId}=${statuses[i].relay.reservations[0]}`))
  for (const [i, result] of results.entries()) {
    const vault = natted[i]
    // the DHT does not always hand the relayed address out yet (docs/nat.md): said, not asserted
    console.log(`  ${vault.name} from behind NAT, address from the ${result.via ?? '-'}: ${result.dialled ?? '-'}: ${result.code ?? ''}`)
    assert.ok(result.dialled !== undefined, `${vault.name}: ${JSON.stringify(result)}`)
    assert.is(result.limited, true, `${vault.name}: the connection goes through the relay`)
    assert.is(result.code, 'ERR_RELAYED_ONLY', `${vault.name}: ${JSON.stringify(result)}`)
    assert.is(result.refused, i + 1, 'each refusal counted')
  }
  // the relays carried the connections, and less than their data limit on each
  const servers = await Promise.all(vaults.filter(v => v.home === undefined).map(statusOf))
  const circuits = servers.reduce((n, s) => n + (s.relay.server?.circuits ?? 0), 0)
  assert.ok(circuits >= natted.length, `circuits through the relays: ${circuits}`)
  for (const { relay } of servers) {
    console.log(`  relay: ${relay.server?.circuits ?? 0} circuits, ${relay.server?.bytes ?? 0} bytes, at most ${relay.server?.maxCircuitBytes ?? 0} on one`)
    assert.ok((relay.server?.maxCircuitBytes ?? 0) <= RELAY_LIMITS.dataBytes, JSON.stringify(relay))
  }
})

test.run()
