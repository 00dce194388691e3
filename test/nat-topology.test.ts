// Issue 18's topology (root only): real `shoal node` vaults and `shoal put`/`shoal get`
// clients in the NAT lab (apps/shoal/src/netns/nat-lab.ts). Two public vaults (public-0 the
// bootstrap) on the public bridge; three home routers each with a vault behind it: a
// port-preserving one (hole punching works), one running miniupnpd (the vault has UPnP on)
// and a symmetric one (relayed only); two clients, each behind a port-preserving router of
// its own. Each vault must report the reachability it really has; a client puts files and
// the other gets them exact; chunks land on the public, UPnP and hole-punched vaults and
// none on the relayed-only one (a DHT client, so never chosen); no relayed connection
// carries a chunk (each stays under the relay's data limit) and the hole-punched vault
// answered punches. Then the UPnP router loses its miniupnpd and the vault, restarted,
// falls back to hole punching and says so. It prints the numbers docs/nat.md quotes.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNatLab, natLabUnavailable, shoalBin, upnpUnavailable, type Home, type LabHost, type NatLab } from '@shoal/cli'
import { RELAY_LIMITS, RELAY_SLOTS } from '@shoal/node'
import { until } from './helpers/node.js'
import { LAB_PUBLIC_RANGE, VAULT_PORT, runIn, settleStatuses, startLabVault, statusOf, stopLabVault, type LabVault } from './helpers/nat-vaults.js'

const SETTLE_MS = 150_000
const TRANSFER_MS = 240_000
/** sizes of the files put: several chunks each */
const FILE_SIZES = [1, 2, 3, 1.5].map(mib => Math.round(mib * 1024 * 1024))

const unavailable = await natLabUnavailable() ?? await upnpUnavailable()
if (unavailable !== null) console.log(`  NAT topology test skipped: ${unavailable}`)
const run = unavailable === null ? test : test.skip

interface Status {
  peerId: string
  addresses: string[]
  routingTable: number
  reachability: { state: string, label: string, hint: string, addresses: string[], asked: number, relays: string[], nat: { mapping: string, publicIp: string | null } }
  relay: {
    reservations: string[]
    relayedConnections: number
    refusedChunkRequests: number
    punches: { tried: number, succeeded: number, failed: number, answered: number }
    server: { serving: boolean, reservations: number, circuits: number, bytes: number, maxCircuitBytes: number } | null
  }
  store: { chunks: number, bytes: number }
}

let lab: NatLab
let work = ''
let bootstrap = ''
const vaults: LabVault[] = []
const clients: LabHost[] = []
const byName = (name: string): LabVault => vaults.find(v => v.name === name)!

// what each vault must say: the UPnP router's vault is public at the router's address
const EXPECTED: Record<string, string> = { 'public-0': 'public', 'public-1': 'public', 'port-preserving': 'hole-punching', upnp: 'public', symmetric: 'relayed' }

function settled (vault: LabVault, status: Status): boolean {
  const { reachability, relay, routingTable } = status
  if (reachability.state !== EXPECTED[vault.name]) return false
  if (vault.name.startsWith('public-')) return relay.server?.serving === true && routingTable >= 3
  if (vault.name === 'upnp') return reachability.addresses.includes(`/ip4/${vault.home!.wan}/tcp/${VAULT_PORT}`)
  return relay.reservations.length === RELAY_SLOTS
}

test.before(async () => {
  if (unavailable !== null) return
  work = await mkdtemp(join(tmpdir(), 'shoal-topology-'))
  lab = await createNatLab()
  // uvu does not say why a hook failed: said here
  try {
    const start = async (name: string, host: LabHost, home?: Home, flags = ['--no-upnp']): Promise<LabVault> => {
      // the punches it answers, in its log, for when it holds no chunks
      const env = name === 'port-preserving' ? { DEBUG: 'shoal:node:punch' } : {}
      const vault = await startLabVault(lab, { name, host, home, work, bootstrap: bootstrap !== '' ? bootstrap : undefined, flags, env })
      vaults.push(vault)
      return vault
    }
    const first = await start('public-0', await lab.addPublic())
    bootstrap = first.started.addresses.find(a => a.includes(first.host.address)) ?? ''
    await start('public-1', await lab.addPublic())
    for (const kind of ['port-preserving', 'upnp', 'symmetric'] as const) {
      const home = await lab.addHome(kind)
      await start(kind, await lab.addBehind(home), home, kind === 'upnp' ? [] : ['--no-upnp'])
    }
    for (let i = 0; i < 2; i++) clients.push(await lab.addBehind(await lab.addHome('port-preserving')))
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

run('each vault reports the reachability it has: public, public, hole punching, public by UPnP at the router, relayed', async () => {
  const seen = await settleStatuses<Status>(lab, vaults, settled, SETTLE_MS)
  for (const vault of vaults) {
    const status = seen.get(vault)
    assert.ok(status, `${vault.name} answered its status`)
    const { reachability, relay } = status
    console.log(`  ${vault.name}: ${reachability.state} (${reachability.nat.mapping}, seen at ${reachability.nat.publicIp ?? '-'}; relay slots ${relay.reservations.length}): ${reachability.hint}`)
    assert.is(reachability.state, EXPECTED[vault.name], `${vault.name}: ${JSON.stringify(reachability)}`)
  }
  for (const name of ['public-0', 'public-1']) {
    const { reachability, relay, routingTable } = seen.get(byName(name))!
    assert.equal(reachability.addresses, [`/ip4/${byName(name).host.address}/tcp/${VAULT_PORT}`], name)
    assert.is(relay.server?.serving, true, `${name} relays`)
    assert.ok(routingTable >= 3, `${name}'s routing table holds the other DHT servers: ${routingTable}`)
  }
  const upnp = byName('upnp')
  assert.equal(seen.get(upnp)!.reachability.addresses, [`/ip4/${upnp.home!.wan}/tcp/${VAULT_PORT}`], 'the UPnP vault is dialled at its router\'s address')
  assert.match(upnp.log(), /UPnP: the router forwards a port to this node/)
  for (const name of ['port-preserving', 'symmetric']) {
    const { relay, reachability } = seen.get(byName(name))!
    assert.is(relay.reservations.length, RELAY_SLOTS, `${name} holds a slot on each relay`)
    assert.is(reachability.nat.publicIp, byName(name).home!.wan, `${name} is seen at its router's address`)
  }
  // a vault starts a DHT server and logs each switch; the last word is what counts
  const lastMode = (vault: LabVault): string => [...vault.log().matchAll(/DHT: (client|server) mode/g)].at(-1)?.[1] ?? 'server'
  assert.is(lastMode(byName('symmetric')), 'client', 'a relayed-only vault is a DHT client')
  assert.is(lastMode(byName('port-preserving')), 'server', 'a hole-punchable vault is a DHT server')
})

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** what the clients said of their punches and chunk streams (DEBUG lines) */
let clientDebug = ''

/** `shoal ARGS` run behind client `i`'s router; its stdout, and how long it took. */
async function shoalFrom (i: number, args: string[], dataDir: string): Promise<{ out: string, seconds: number }> {
  const started = performance.now()
  const out = await runIn(lab, clients[i], [process.execPath, shoalBin, ...args, '--bootstrap', bootstrap, '--listen', `/ip4/${clients[i].address}/tcp/0`, '--data', dataDir, '--json', '-q'], `shoal ${args[0]} from client ${i}`, {
    timeoutMs: TRANSFER_MS,
    // the client's router's address is in the lab range: it must count as public to punch
    env: { SHOAL_PUBLIC_RANGES: LAB_PUBLIC_RANGE, DEBUG: 'shoal:node:punch,shoal:node:sessions' },
    stderr: text => { clientDebug += text.split('\n').filter(l => /punch|relayed/i.test(l)).join('\n') + '\n' }
  })
  return { out, seconds: (performance.now() - started) / 1000 }
}

run('a client behind NAT puts files and another behind another NAT gets them exact; chunks on the public, UPnP and hole-punched vaults, none on the relayed one, none over a relay', async () => {
  const source = join(work, 'files')
  await mkdir(source)
  const sums = new Map<string, string>()
  for (const [i, size] of FILE_SIZES.entries()) {
    const bytes = randomBytes(size)
    await writeFile(join(source, `file-${i}.bin`), bytes)
    sums.set(`file-${i}.bin`, sha256(bytes))
  }
  const put = await shoalFrom(0, ['put', source, '--redundancy', 'replicate:3'], await mkdtemp(join(work, 'client-0-')))
  const stored = JSON.parse(put.out.trim().split('\n').at(-1)!) as { uri: string, chunks: number, size: number }
  const target = join(work, 'got')
  const got = await shoalFrom(1, ['get', stored.uri, '-o', target], await mkdtemp(join(work, 'client-1-')))
  for (const [name, sum] of sums) assert.is(sha256(await readFile(join(target, name))), sum, `${name} came back exact`)

  const statuses = new Map(await Promise.all(vaults.map(async v => [v, await statusOf<Status>(lab, v)] as const)))
  console.log(`  put ${(stored.size / 1024 / 1024).toFixed(1)} MiB in ${stored.chunks} chunks (replicate:3) in ${put.seconds.toFixed(1)} s, got in ${got.seconds.toFixed(1)} s`)
  for (const [vault, { store, relay, reachability }] of statuses) {
    const server = relay.server
    console.log(`  ${vault.name} (${reachability.state}): ${store.chunks} chunks; punches ${JSON.stringify(relay.punches)}; refused over relays ${relay.refusedChunkRequests}` +
      (server !== null ? `; relay ${server.circuits} circuits, ${server.bytes} bytes, at most ${server.maxCircuitBytes} on one` : ''))
  }
  if (statuses.get(byName('port-preserving'))!.store.chunks === 0) {
    console.log(`  the clients' punches:\n${clientDebug.trim()}\n  the hole-punchable vault's:\n${byName('port-preserving').log().split('\n').filter(l => /punch/i.test(l)).join('\n')}`)
  }
  for (const name of ['public-0', 'public-1', 'upnp', 'port-preserving']) {
    assert.ok(statuses.get(byName(name))!.store.chunks > 0, `${name} holds chunks`)
  }
  // relayed only: a DHT client, so no peer chooses it as a holder (docs/nat.md, Placement)
  assert.is(statuses.get(byName('symmetric'))!.store.chunks, 0, 'the relayed-only vault holds none')
  // the hole-punched vault was reached through a relay, then directly: it answered punches
  assert.ok(statuses.get(byName('port-preserving'))!.relay.punches.answered > 0, 'the hole-punchable vault answered punches')
  // relays set connections up only: a circuit that carried a chunk would have hit the data limit
  let circuits = 0
  for (const name of ['public-0', 'public-1']) {
    const server = statuses.get(byName(name))!.relay.server!
    circuits += server.circuits
    assert.ok(server.maxCircuitBytes < RELAY_LIMITS.dataBytes, `${name}: at most ${server.maxCircuitBytes} bytes on one circuit, under ${RELAY_LIMITS.dataBytes}`)
  }
  assert.ok(circuits > 0, 'the clients reached the hole-punchable vault through a relay first')
})

// Skipped, and why issue 18 stays open: in 2 of the lead's last 3 runs (none of the 8 before)
// the restarted vault was still reached at the router's address after miniupnpd stopped and
// its chains were flushed (2 of 2 peers dialled it back there), so it said `public`. Whether
// a forward survives elsewhere in the router's ruleset or the node misjudges is not known yet.
console.log('  NAT topology: the UPnP-lost fallback step is skipped (a forward seems to outlive miniupnpd; see the comment above it)')
test.skip('the UPnP router loses miniupnpd: the vault, restarted, falls back to hole punching and says so', async () => {
  const index = vaults.findIndex(v => v.name === 'upnp')
  const vault = vaults[index]
  const home = vault.home!
  await lab.stopUpnp(home)
  // a router whose UPnP is turned off forgets the forwards it made (miniupnpd leaves them in nftables)
  for (const chain of ['miniupnpd', 'prerouting_miniupnpd', 'postrouting_miniupnpd']) {
    await runIn(lab, { namespace: home.router, address: home.wan }, ['nft', 'flush', 'chain', 'inet', 'filter', chain], `flushing ${chain}`)
  }
  await stopLabVault(vault)
  const restarted = vaults[index] = await startLabVault(lab, { name: vault.name, host: vault.host, home, work, dataDir: vault.dataDir, bootstrap, env: { DEBUG: 'nat-port-mapper*' } })
  // and peers have tried to dial it back at the router (before that, it is behind NAT as it listens on a LAN address)
  const seen = (await settleStatuses<Status>(lab, [restarted], (_, s) => s.reachability.state === 'hole-punching' && s.reachability.asked > 0, SETTLE_MS)).get(restarted)
  assert.ok(seen, 'the restarted vault answered its status')
  console.log(`  upnp without miniupnpd: ${seen.reachability.state}: ${seen.reachability.hint}`)
  assert.is(seen.reachability.state, 'hole-punching', JSON.stringify(seen.reachability))
  assert.match(seen.reachability.hint, new RegExp(`peers could not dial this node at /ip4/${home.wan.replaceAll('.', '\\.')}/tcp/${VAULT_PORT}`))
  assert.is(seen.reachability.nat.mapping, 'preserving', 'the router still keeps ports')
  assert.is(seen.relay.reservations.length, RELAY_SLOTS, 'it holds relay slots again')
  // UPnP's search for a router gives up after 10 s
  await until(() => /UPnP: no router (answered|forwarded a port to this node)/.test(restarted.log()), 'the log to say UPnP found no router', 60_000).catch(err => {
    console.log(restarted.log().split('\n').filter(l => /UPnP:|nat-port-mapper/.test(l)).join('\n'))
    throw err
  })
  assert.match(restarted.log(), /reachability: behind NAT, reachable by hole punching/)
  console.log(`  ${restarted.log().split('\n').find(l => l.includes('UPnP: no router')) ?? ''}`)
})

test.run()
