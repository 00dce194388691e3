// The NAT lab itself (issue 18; root only): behind each kind of emulated home router a
// host can open a TCP connection to a public host, which sees it come from the router's
// WAN address; nothing from outside reaches a LAN host unasked; a port-preserving
// router keeps the source port, a symmetric one does not; and on the UPnP router a
// mapping asked for with upnpc makes the LAN host's port reachable at the WAN address.
// Traffic stays inside the lab's namespaces (198.18.0.0/15, no route out).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { createNatLab, natLabUnavailable, upnpUnavailable, type Home, type LabHost, type NatLab, type RouterKind } from '@shoal/cli'

const unavailable = await natLabUnavailable()
const noUpnp = unavailable ?? await upnpUnavailable()
if (unavailable !== null) console.log(`  NAT lab test skipped: ${unavailable}`)
else if (noUpnp !== null) console.log(`  NAT lab UPnP test skipped: ${noUpnp}`)

const PORT = 7000

// Answers each connection with the address and port it came from, then closes it.
const SERVER = `
const server = require('node:net').createServer(socket => socket.end(socket.remoteAddress + ' ' + socket.remotePort + '\\n'))
server.listen(Number(process.argv[1]), process.argv[2], () => process.stdout.write('listening\\n'))
`
// Connects (from a given local port, if one), prints what the server said or the error code.
const CLIENT = `
const [host, port, localPort] = process.argv.slice(1)
const socket = require('node:net').connect({ host, port: Number(port), ...(localPort ? { localPort: Number(localPort) } : {}), timeout: 3000 })
let said = ''
socket.on('data', d => { said += d })
socket.on('end', () => { process.stdout.write('ok ' + said) })
socket.on('timeout', () => { process.stdout.write('error ETIMEDOUT\\n'); process.exit(0) })
socket.on('error', err => { process.stdout.write('error ' + err.code + '\\n'); process.exit(0) })
`

let lab: NatLab
let server: LabHost
const homes = new Map<RouterKind, { home: Home, host: LabHost }>()
const servers: Array<ReturnType<typeof spawn>> = []

/** Runs `node -e SCRIPT ARGS` in the namespace until it exits (bounded); its stdout. */
async function node (where: LabHost, script: string, args: string[]): Promise<string> {
  const [command, ...argv] = lab.command(where, [process.execPath, '-e', script, ...args])
  return await new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] })
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    let out = ''
    child.stdout.on('data', d => { out += d })
    child.on('error', reject)
    child.on('close', () => { clearTimeout(timer); resolve(out.trim()) })
  })
}

/** Starts the answering server in the namespace, on `address`:PORT. */
async function serve (where: LabHost, address: string): Promise<void> {
  const [command, ...argv] = lab.command(where, [process.execPath, '-e', SERVER, String(PORT), address])
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] })
  servers.push(child)
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the test server did not start')), 5_000)
    child.stdout.on('data', () => { clearTimeout(timer); resolve() })
  })
}

const connect = async (from: LabHost, host: string, localPort?: number): Promise<string> =>
  await node(from, CLIENT, [host, String(PORT), ...(localPort !== undefined ? [String(localPort)] : [])])

test.before(async () => {
  if (unavailable !== null) return
  lab = await createNatLab()
  server = await lab.addPublic()
  await serve(server, server.address)
  for (const kind of ['port-preserving', 'symmetric', ...(noUpnp === null ? ['upnp'] as const : [])] as const) {
    const home = await lab.addHome(kind)
    const host = await lab.addBehind(home)
    await serve(host, host.address)
    homes.set(kind, { home, host })
  }
})
test.after(async () => {
  for (const child of servers) child.kill('SIGKILL')
  await lab?.destroy()
})

const run = unavailable === null ? test : test.skip

run('behind every router: a connection out works and comes from the router\'s WAN address', async () => {
  for (const [kind, { home, host }] of homes) {
    const answer = await connect(host, server.address)
    assert.match(answer, /^ok /, `${kind}: ${answer}`)
    assert.is(answer.split(' ')[1], home.wan, `${kind}: the public host sees the router's WAN address`)
  }
})

run('nothing reaches a LAN host unasked: not its LAN address, not the router\'s WAN address', async () => {
  for (const [kind, { home, host }] of homes) {
    assert.match(await connect(server, host.address), /^error /, `${kind}: LAN address from outside`)
    assert.match(await connect(server, home.wan), /^error /, `${kind}: WAN address, no forward`)
  }
})

run('a port-preserving router keeps the source port; a symmetric one picks others', async () => {
  const ports = async (kind: RouterKind): Promise<Array<[number, number]>> => {
    const { host } = homes.get(kind)!
    const out: Array<[number, number]> = []
    for (const local of [41001, 41002]) out.push([local, Number((await connect(host, server.address, local)).split(' ')[2])])
    return out
  }
  for (const [local, seen] of await ports('port-preserving')) assert.is(seen, local, 'port-preserving')
  // two connections' ports both kept by a random choice: 1 in ~10^9
  assert.ok((await ports('symmetric')).some(([local, seen]) => seen !== local), 'symmetric: some port changed')
})

;(noUpnp === null ? test : test.skip)('UPnP: a mapping asked for with upnpc opens the WAN port to the LAN host', async () => {
  const { home, host } = homes.get('upnp')!
  assert.match(await connect(server, home.wan), /^error /, 'before the mapping')
  // -i: miniupnpc calls an IGD whose external address is reserved (as 198.18.0.0/15 is) "not connected"
  const [command, ...argv] = lab.command(host, ['upnpc', '-i', '-e', 'shoal-test', '-a', host.address, String(PORT), String(PORT), 'TCP'])
  const mapped = await new Promise<string>(resolve => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', d => { out += d })
    child.stderr.on('data', d => { out += d })
    child.on('close', () => resolve(out))
  })
  assert.match(mapped, new RegExp(`external ${home.wan.replaceAll('.', '\\.')}:${PORT} TCP is redirected to internal ${host.address.replaceAll('.', '\\.')}:${PORT}`), mapped)
  const answer = await connect(server, home.wan)
  assert.match(answer, /^ok /, `after the mapping: ${answer}`)
  assert.is(answer.split(' ')[1], server.address, 'the LAN host sees the public host\'s own address')
})

test.run()
