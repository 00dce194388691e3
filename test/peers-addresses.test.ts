// `shoal peers` shows where each peer listens, as its identify said: a peer that dialled
// in appears with its listen address, not the ephemeral port its connection came from.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { shoal } from './helpers/cli.js'
import { startNode, until, type RunningNode } from './helpers/node.js'

let work = ''
const nodes: RunningNode[] = []
test.before(async () => { work = await mkdtemp(join(tmpdir(), 'shoal-peers-')) })
test.after(async () => {
  await Promise.all(nodes.map(async node => await node.stop()))
  await rm(work, { recursive: true, force: true })
})

test('a node that dialled in is listed with the address it listens on, in --json and text', async () => {
  const a = await startNode(['--space', '64MiB', '--data', join(work, 'a'), '--listen', '/ip4/127.0.0.67/tcp/0'])
  nodes.push(a)
  const b = await startNode(['--space', '64MiB', '--data', join(work, 'b'), '--listen', '/ip4/127.0.0.68/tcp/0', '--bootstrap', a.addresses[0]])
  nodes.push(b)
  const listed = async (): Promise<string[]> => {
    const r = await shoal(['peers', '--data', join(work, 'a'), '--json'])
    assert.is(r.code, 0, r.stderr)
    return (JSON.parse(r.stdout) as Array<{ peerId: string, addresses: string[] }>).find(p => p.peerId === b.peerId)?.addresses ?? []
  }
  await until(async () => (await listed()).length > 0, 'b\'s addresses at a')
  const addresses = await listed()
  // b listens on one port of 127.0.0.68: that one, with or without its /p2p/ part, and nothing else
  const listening = b.addresses[0].replace(`/p2p/${b.peerId}`, '')
  assert.ok(addresses.every(address => address.replace(`/p2p/${b.peerId}`, '') === listening), `a lists b at ${addresses.join(' ')}; b listens on ${listening}`)
  const text = await shoal(['peers', '--data', join(work, 'a')])
  assert.ok(text.stdout.split('\n').some(line => line.startsWith(`${b.peerId}  ${listening}`)), text.stdout)
})

test.run()
