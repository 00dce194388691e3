// `shoal node` failing to start says why in one line on stderr (no stack), exits 1 and
// prints nothing on stdout, whatever the log format: a P2P port already in use names the
// address and the reason; a bootstrap address with the wrong peer ID names the peer that
// answered there.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isOneLineError, shoal, type CliResult } from './helpers/cli.js'
import { startNode, type RunningNode } from './helpers/node.js'

const OTHER_PEER = '12D3KooWGi6RqM2KQYrZrrRRFuve7Umc5ZhotFqfU5pL9t1PR9oB'
let work = ''
let taken: Server
let node: RunningNode

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-node-start-'))
  taken = createServer()
  await new Promise<void>(resolve => taken.listen(0, '127.0.0.70', resolve))
  node = await startNode(['--space', '64MiB', '--data', join(work, 'up'), '--listen', '/ip4/127.0.0.71/tcp/0'])
})
test.after(async () => {
  taken?.close()
  await node?.stop()
  await rm(work, { recursive: true, force: true })
})

function oneLine (r: CliResult): string {
  assert.is(r.code, 1, r.stderr)
  assert.is(r.stdout, '')
  assert.ok(isOneLineError(r.stderr), r.stderr)
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr)
  return r.stderr.trim()
}

test('a P2P port already in use: one line naming the address and why, exit 1', async () => {
  const port = (taken.address() as AddressInfo).port
  for (const format of ['text', 'json']) {
    const r = await shoal(['node', '--space', '64MiB', '--data', join(work, `busy-${format}`), '--listen', `/ip4/127.0.0.70/tcp/${port}`, '--log-format', format])
    assert.is(oneLine(r), `shoal: cannot listen on /ip4/127.0.0.70/tcp/${port}: the address is already in use (another program, or another shoal node, listens there) (ERR_LISTEN)`)
  }
})

test('a bootstrap address with another peer\'s ID: one line naming the peer that answered, exit 1', async () => {
  const address = node.addresses[0].replace(node.peerId, OTHER_PEER)
  for (const format of ['text', 'json']) {
    const r = await shoal(['node', '--space', '64MiB', '--data', join(work, `wrong-${format}`), '--listen', '/ip4/127.0.0.72/tcp/0', '--bootstrap', address, '--log-format', format], { timeoutMs: 30_000 })
    assert.is(oneLine(r), `shoal: could not reach any bootstrap peer: ${address} (a peer answered there, but with peer ID ${node.peerId}, not ${OTHER_PEER}: check the /p2p/ part of the address) (ERR_BOOTSTRAP)`)
  }
})

test.run()
