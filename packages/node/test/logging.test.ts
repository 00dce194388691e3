// What a vault tells the logger it is given: refusals (space, integrity, rate) at warn,
// at most a line a minute per kind with a count of the rest; peers joining and leaving;
// a bootstrap address that did not answer while another did.
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createVirtualClock } from '@shoal/runtime'
import { createMemoryStore } from '@shoal/store'
import { createRequestHandler } from '../src/memory.js'
import { createNode, type NodeLogger } from '../src/index.js'
import { makeTempDir, nextLoopback, randomChunk, removeDir, startNodes, MiB } from './helpers.js'

interface Line { level: string, fields: Record<string, unknown>, message: string }

function capture (): { logger: NodeLogger, lines: Line[] } {
  const lines: Line[] = []
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => { lines.push({ level, fields, message }) }
  return { logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') }, lines }
}

async function until (check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

test('a PUT refused for space is one warn naming the peer, the chunk and the limit; more within a minute are counted, not logged', async () => {
  const clock = createVirtualClock()
  const store = createMemoryStore({ space: 1000 })
  await store.start()
  const { logger, lines } = capture()
  const handler = createRequestHandler({ store, clock, logger })
  const chunks = [randomChunk(600), randomChunk(600), randomChunk(600), randomChunk(600)]
  assert.is((await handler.handle({ type: 'put', id: 1, cid: chunks[0].cid, bytes: chunks[0].bytes }, 'peerA')).type, 'ok')
  assert.equal(lines, [], 'a stored chunk is not worth a line')
  for (const [i, chunk] of chunks.slice(1, 3).entries()) {
    const answer = await handler.handle({ type: 'put', id: 2 + i, cid: chunk.cid, bytes: chunk.bytes }, 'peerA')
    assert.is(answer.type === 'err' && answer.code, 'NO_SPACE')
  }
  assert.equal(lines, [{ level: 'warn', fields: { peer: 'peerA', request: 'put', cid: chunks[1].cid.toString(), limit: 'space', needed: 600, free: 400 }, message: 'refused a chunk: the vault is full (its --space)' }])
  await clock.advance(60_000)
  await handler.handle({ type: 'put', id: 9, cid: chunks[3].cid, bytes: chunks[3].bytes }, 'peerB')
  assert.is(lines.length, 2)
  assert.is(lines[1].fields.peer, 'peerB')
  assert.is(lines[1].fields.suppressed, 1, 'the refusal held back is counted')
})

test('bytes that are not their CID: warn naming the peer; a peer over its rate: one warn per minute', async () => {
  const clock = createVirtualClock()
  const store = createMemoryStore({ space: MiB })
  await store.start()
  const { logger, lines } = capture()
  const handler = createRequestHandler({ store, clock, logger, limits: { requestBurst: 2, requestsPerSecond: 1 } })
  const chunk = randomChunk(100)
  const lie = new Uint8Array(createHash('sha256').update('other').digest())
  await handler.handle({ type: 'put', id: 1, cid: chunk.cid, bytes: lie }, 'liar')
  assert.equal(lines.shift(), { level: 'warn', fields: { peer: 'liar', request: 'put', cid: chunk.cid.toString() }, message: 'refused a chunk whose bytes do not hash to its CID' })
  for (let i = 0; i < 5; i++) await handler.handle({ type: 'has', id: 2 + i, cids: [chunk.cid] }, 'greedy')
  assert.equal(lines, [{ level: 'warn', fields: { peer: 'greedy', burst: 2, perSecond: 1 }, message: 'refused requests from a peer over its rate limit' }])
  const missing = randomChunk(10)
  await handler.handle({ type: 'get', id: 10, cid: missing.cid }, 'other')
  assert.is(lines.length, 1, 'a chunk not held is an answer, not a refusal')
})

test('a real node logs peers joining and leaving, and a bootstrap address that did not answer beside one that did', async () => {
  const net = await startNodes(1, { bootstrap: false })
  const dataDir = await makeTempDir()
  const { logger, lines } = capture()
  // nobody listens there (a dial to the first node's own ID would reuse its connection)
  const down = `/ip4/${nextLoopback()}/tcp/9/p2p/12D3KooWGi6RqM2KQYrZrrRRFuve7Umc5ZhotFqfU5pL9t1PR9oB`
  const node = createNode({ dataDir, listen: [`/ip4/${nextLoopback()}/tcp/0`], space: 8 * MiB, logger, bootstrap: [...net.nodes[0].multiaddrs.map(String), down], bootstrapTimeoutMs: 3_000 })
  try {
    await node.start()
    const peer = net.nodes[0].peerId.toString()
    assert.ok(lines.some(l => l.level === 'info' && l.message === 'peer joined' && l.fields.peer === peer), JSON.stringify(lines))
    const warned = lines.filter(l => l.level === 'warn')
    assert.is(warned.length, 1, JSON.stringify(warned))
    assert.equal(warned[0].fields.address, down)
    assert.is(warned[0].message, 'a bootstrap peer did not answer')
    assert.match(String(warned[0].fields.reason), /connection refused/)
    await net.stop()
    await until(() => lines.some(l => l.message === 'peer left' && l.fields.peer === peer))
  } finally {
    await node.stop()
    await net.stop()
    await removeDir(dataDir)
  }
})

test.run()
