// Reachability over emulated NATs (issue 18; root only): real `shoal node` processes in
// the NAT lab (apps/shoal/src/netns/nat-lab.ts), two vaults on the public bridge and one
// behind each kind of home router. Each must report the reachability it really has, in
// `shoal status` and its log: the public ones "public"; behind NAT "hole-punching" where
// the router keeps ports and "relayed" where not, with a hint naming the router's address;
// and the vault behind the UPnP router, started with --no-upnp, has the router forward
// its port once restarted with UPnP on, and is then public there. The lab's "internet" is
// 198.18.0.0/16, which libp2p counts as private: every node is told it is public
// (helpers/nat-vaults.ts).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNatLab, natLabUnavailable, shoalBin, upnpUnavailable, type Home, type LabHost, type NatLab } from '@shoal/cli'
import { VAULT_PORT as PORT, runIn, settleStatuses, startLabVault, stopLabVault, type LabVault as Vault } from './helpers/nat-vaults.js'

// generous: on a loaded machine the first dial-backs can time out, and are asked again 30 s on
const SETTLE_MS = 150_000

const unavailable = await natLabUnavailable()
const noUpnp = unavailable ?? await upnpUnavailable()
if (unavailable !== null) console.log(`  NAT reachability test skipped: ${unavailable}`)
else if (noUpnp !== null) console.log(`  NAT reachability: the UPnP vault is left out: ${noUpnp}`)

interface Reach { state: string, label: string, hint: string, addresses: string[], asked: number }

let lab: NatLab
let work = ''
let bootstrap = ''
const vaults: Vault[] = []

async function startVault (name: string, host: LabHost, home?: Home, options: { dataDir?: string, flags?: string[] } = {}): Promise<Vault> {
  return await startLabVault(lab, { name, host, home, work, dataDir: options.dataDir, bootstrap: bootstrap !== '' ? bootstrap : undefined, flags: options.flags })
}

/** `shoal ARGS --data DIR` run in the vault's namespace (its API listens there); stdout. */
async function shoalIn (vault: Vault, args: string[]): Promise<string> {
  return await runIn(lab, vault.host, [process.execPath, shoalBin, ...args, '--data', vault.dataDir], `shoal ${args.join(' ')} in ${vault.name}`)
}

/** Each vault's reachability once it is `expected` (or the last seen, after SETTLE_MS). */
async function settle (expected: Map<Vault, string>): Promise<Map<Vault, Reach>> {
  // and peers have tried to dial it back (behind NAT the state comes before their answers)
  const seen = await settleStatuses<{ reachability: Reach }>(lab, [...expected.keys()], (vault, { reachability }) => reachability.state === expected.get(vault) && reachability.asked > 0, SETTLE_MS)
  return new Map([...seen].map(([vault, status]) => [vault, status.reachability]))
}

test.before(async () => {
  if (unavailable !== null) return
  work = await mkdtemp(join(tmpdir(), 'shoal-nat-'))
  lab = await createNatLab()
  // uvu does not say why a hook failed: said here
  try {
    const first = await startVault('public-0', await lab.addPublic())
    vaults.push(first)
    bootstrap = first.started.addresses.find(a => a.includes(first.host.address)) ?? ''
    vaults.push(await startVault('public-1', await lab.addPublic()))
    for (const kind of ['port-preserving', 'symmetric', ...(noUpnp === null ? ['upnp'] as const : [])] as const) {
      const home = await lab.addHome(kind)
      // UPnP off everywhere at first: the UPnP router's vault is then as unreachable as the others
      vaults.push(await startVault(kind, await lab.addBehind(home), home, { flags: ['--no-upnp'] }))
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

// behind NAT a vault holds relay slots (stage 2): hole punching where the router keeps ports, relayed only where not
const BEHIND = { 'port-preserving': 'hole-punching', upnp: 'hole-punching', symmetric: 'relayed' } as const

run('each vault reports the reachability it has: public on the public bridge, behind NAT by the router kind', async () => {
  const expected = new Map(vaults.map(v => [v, v.home === undefined ? 'public' : BEHIND[v.home.kind]]))
  const seen = await settle(expected)
  for (const [vault, state] of expected) {
    const reach = seen.get(vault)
    assert.ok(reach, `${vault.name} answered its status`)
    console.log(`  ${vault.name}: ${reach.label}: ${reach.hint}`)
    assert.is(reach.state, state, `${vault.name}: ${JSON.stringify(reach)}`)
    if (vault.home === undefined) {
      assert.equal(reach.addresses, [`/ip4/${vault.host.address}/tcp/${PORT}`], `${vault.name} was dialled on its own address`)
    } else {
      // what the user needs: where peers tried (the router's WAN address) and the port to forward
      assert.match(reach.hint, new RegExp(`/ip4/${vault.home.wan.replaceAll('.', '\\.')}/tcp/${PORT}`), vault.name)
      assert.match(reach.hint, new RegExp(`forward TCP port ${PORT}`), vault.name)
    }
  }
  // the same in the text of `shoal status`, the metrics, and the log
  const nat = vaults.find(v => v.home?.kind === 'symmetric')!
  assert.match(await shoalIn(nat, ['status']), /^reach {3}behind NAT, relayed only: peers could not dial this node/m)
  assert.match(nat.log(), /reachability: behind NAT, relayed only/)
  assert.match(vaults[0].log(), /reachability: public/)
})

;(unavailable === null && noUpnp === null ? test : test.skip)('with UPnP on, the vault behind the UPnP router has its port forwarded, is public there, and says so', async () => {
  const index = vaults.findIndex(v => v.home?.kind === 'upnp')
  const vault = vaults[index]
  await stopLabVault(vault)
  vaults[index] = await startVault(vault.name, vault.host, vault.home, { dataDir: vault.dataDir })
  const reach = (await settle(new Map([[vaults[index], 'public']]))).get(vaults[index])
  assert.ok(reach, 'the restarted vault answered its status')
  console.log(`  upnp, UPnP on: ${reach.label}: ${reach.hint}`)
  const wan = `/ip4/${vault.home!.wan}/tcp/${PORT}`
  assert.is(reach.state, 'public', JSON.stringify(reach))
  assert.equal(reach.addresses, [wan])
  assert.match(vaults[index].log(), /UPnP: the router forwards a port to this node/)
  // announced: peers learn the forwarded address, not only the LAN one, once two peers
  // have reached it there (one peer's word alone is not taken)
  const announced = async (): Promise<string[]> => (JSON.parse(await shoalIn(vaults[index], ['status', '--json'])) as { addresses: string[] }).addresses
  const deadline = Date.now() + 90_000
  let addresses = await announced()
  while (!addresses.some(a => a.startsWith(`${wan}/p2p/`)) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 2_000))
    addresses = await announced()
  }
  assert.ok(addresses.some(a => a.startsWith(`${wan}/p2p/`)), addresses.join(' '))
})

test.run()
