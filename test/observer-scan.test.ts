// What someone on the path between a user and a vault sees. A known file is put and got
// back through a relay that records every byte both ways between a network-mode client
// and the one vault of a testnet (reached only through the relay). The recording holds
// the cleartext of the libp2p handshake (`/noise` is negotiated in the open) but no
// plaintext window of the file, no name, no size, not even the chunk protocol's name or
// the manifest's address: everything after the handshake is inside Noise.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect, createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCapability } from '@shoal/manifest'
import { shoal } from './helpers/cli.js'
import { createTestnet, type Testnet } from './helpers/testnet.js'

const RELAY_HOST = '127.0.0.181'
const NAME = 'whistleblower-memo-capybara.txt'
let net: Testnet
let relay: Server
let work = ''
const recorded: Buffer[] = []

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-observer-'))
  net = await createTestnet({ nodes: 1, firstHost: 180 })
  const vault = /^\/ip4\/([\d.]+)\/tcp\/(\d+)\//.exec(net.nodes[0].address) as RegExpExecArray
  relay = createServer(inbound => {
    const outbound = connect(Number(vault[2]), vault[1])
    inbound.on('data', d => { recorded.push(Buffer.from(d)); outbound.write(d) })
    outbound.on('data', d => { recorded.push(Buffer.from(d)); inbound.write(d) })
    inbound.on('close', () => outbound.destroy())
    outbound.on('close', () => inbound.destroy())
    inbound.on('error', () => outbound.destroy())
    outbound.on('error', () => inbound.destroy())
  })
  await new Promise<void>(resolve => relay.listen(0, RELAY_HOST, resolve))
})
test.after(async () => {
  relay?.close()
  await net?.stop()
  await rm(work, { recursive: true, force: true })
})

test('a put and a get through a recording relay: the wire shows the Noise handshake and nothing of the file', async () => {
  // incompressible, so the put and the get each carry all of it across the relay
  const bytes = Buffer.alloc(300_007)
  for (let i = 0, block = 0; i < bytes.length; block++) i += createHash('sha256').update(`capybara/${block}`).digest().copy(bytes, i)
  await writeFile(join(work, NAME), bytes)
  const via = `/ip4/${RELAY_HOST}/tcp/${(relay.address() as AddressInfo).port}/p2p/${net.nodes[0].peerId}`

  const put = await shoal(['put', join(work, NAME), '--bootstrap', via, '--data', join(work, 'client'), '--redundancy', 'replicate:1', '--json'])
  assert.is(put.code, 0, put.stderr)
  const uri = (JSON.parse(put.stdout.trim().split('\n').pop() as string) as { uri: string }).uri
  const get = await shoal(['get', uri, '--bootstrap', via, '--data', join(work, 'reader'), '-o', join(work, 'back.txt')])
  assert.is(get.code, 0, get.stderr)
  assert.ok((await readFile(join(work, 'back.txt'))).equals(bytes), 'the file came back exact, through the relay')

  const wire = Buffer.concat(recorded)
  assert.ok(wire.length > 2 * bytes.length, `${wire.length} bytes crossed the relay: the put and the get both went through it`)
  assert.ok(wire.includes(Buffer.from('/noise')), 'the recording holds the handshake: it saw the connection')
  const needles: Array<[string, Buffer]> = [
    ['the chunk protocol\'s name', Buffer.from('/shoal/chunk/')],
    ['the manifest\'s address', Buffer.from(parseCapability(uri).cid.bytes)],
    ['the file name', Buffer.from(NAME)],
    ['the size in decimal', Buffer.from(String(bytes.length))],
    ['the size as CBOR', Buffer.from([0x1a, 0x00, 0x04, 0x93, 0xe7])]
  ]
  for (let at = 0; at + 32 <= bytes.length; at += Math.floor(bytes.length / 12)) needles.push([`plaintext at ${at}`, bytes.subarray(at, at + 32)])
  assert.is(bytes.length, 0x493e7)
  const found = needles.filter(([, pattern]) => wire.includes(pattern)).map(([what]) => what)
  assert.equal(found, [], `seen on the wire: ${found.join(', ')}`)
  console.log(`  ${wire.length} bytes recorded between client and vault; ${needles.length} needles, none seen (sha256 ${createHash('sha256').update(wire).digest('hex').slice(0, 12)}…)`)
})

test.run()
