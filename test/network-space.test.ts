// Vaults with the least --space a node takes (one chunk of the largest size): placement
// passes them by once they are full; when the whole network is full a put fails with one
// clear line, prints no URI, and what was stored before still reads.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isOneLineError, shoal } from './helpers/cli.js'
import { createTestnet, nodeStatus, type Testnet } from './helpers/testnet.js'

const MiB = 1024 * 1024
const TINY = new Set([1, 3])
let net: Testnet
let work = ''
const SMALLEST = 4 * MiB + 16 // one chunk of the largest size: the least a node offers
const small = randomBytes(12 * MiB)
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-space-'))
  net = await createTestnet({ nodes: 5, spaceOf: i => TINY.has(i) ? `${SMALLEST}B` : '24MiB' })
})
test.after(async () => {
  await net?.stop()
  await rm(work, { recursive: true, force: true })
})

const client = (): string[] => ['--bootstrap', net.bootstrap, '--data', join(work, 'client')]

test('a 12 MiB put fills the tiny vaults and passes them by: every chunk still gets its three copies', async () => {
  await writeFile(join(work, 'small.bin'), small)
  const put = await shoal(['put', join(work, 'small.bin'), ...client()])
  assert.is(put.code, 0, put.stderr)
  const uri = put.stdout.trim().split('\n').pop() as string
  const stores = await Promise.all(net.nodes.map(async n => (await nodeStatus(n)).store))
  for (const i of TINY) assert.ok(stores[i].bytes <= SMALLEST, `tiny vault ${i} holds ${stores[i].bytes} bytes`)
  // r = 3 copies of 12 MiB of incompressible chunks (and the manifest): more than the
  // tiny vaults could take, so the roomy ones took what they refused
  const held = stores.reduce((n, s) => n + s.bytes, 0)
  assert.ok(held >= 3 * 12 * MiB, `the vaults hold ${held} bytes`)
  const roomy = stores.filter((_, i) => !TINY.has(i))
  assert.ok(roomy.every(s => s.chunks > 0), `roomy vaults hold ${roomy.map(s => s.bytes).join(', ')} bytes`)
  const get = await shoal(['get', uri, '-o', join(work, 'small.out'), ...client()])
  assert.is(get.code, 0, get.stderr)
  assert.is(sha(await readFile(join(work, 'small.out'))), sha(small))
  await writeFile(join(work, 'small.uri'), uri)
})

test('when the network is full a put fails in one line naming the lack of space; no URI; earlier data intact', async () => {
  // 24 MiB x 3 copies is more than the ~44 MiB the vaults have left
  await writeFile(join(work, 'big.bin'), randomBytes(24 * MiB))
  const before = await readdir(work)
  const put = await shoal(['put', join(work, 'big.bin'), ...client()])
  assert.is(put.code, 1, put.stderr)
  assert.is(put.stdout.trim(), '', 'no URI printed')
  assert.ok(isOneLineError(put.stderr), put.stderr)
  assert.match(put.stderr, /not enough space on the network: .*held by \d of 3.*full.*ERR_NO_SPACE/)
  assert.equal((await readdir(work)).sort(), before.sort(), 'nothing left behind beside the input')
  // the vaults kept serving, and what they held before is whole
  const uri = await readFile(join(work, 'small.uri'), 'utf8')
  const get = await shoal(['get', uri, '-o', join(work, 'small.again'), ...client()])
  assert.is(get.code, 0, get.stderr)
  assert.is(sha(await readFile(join(work, 'small.again'))), sha(small))
  for (const [i, node] of net.nodes.entries()) {
    const { store } = await nodeStatus(node)
    assert.ok(store.bytes <= store.space, `vault ${i}: ${store.bytes} of ${store.space}`)
  }
})

test.run()
