// With a virtual clock and one seed, a run over the in-memory network is deterministic:
// a 50-node network, a put, two of the holders killed (one refusing, one silent), a get;
// run twice, the full traces of requests are identical, byte for byte.
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { getStream, putStream, type ChunkSink } from '@shoal/client'
import type { CID } from 'multiformats/cid'
import { createNetworkSink, createNetworkSource } from '../src/memory.js'
import { memoryTestnet } from './memory-helpers.js'

const MiB = 1024 * 1024
const CHUNKING = { minSize: 64 * 1024, avgSize: 256 * 1024, maxSize: 1024 * 1024 }

interface Run { trace: string[], sent: string, got: string, killed: string[], virtualMs: number }

async function scenario (seed: number): Promise<Run> {
  // one-way delays of 5-49 ms, fixed per pair of nodes
  const latencyMs = (from: string, to: string): number => 5 + (createHash('sha256').update(from + to).digest()[0] % 45)
  const { net, nodes, clock, random } = await memoryTestnet({ nodes: 50, seed, latencyMs, lookupMs: 120 })
  try {
    const data = random.bytes(3 * MiB)
    const uploader = nodes[0]
    const reader = nodes[49]
    return await clock.run(async () => {
      const sink = createNetworkSink(uploader, { replicas: 3, clock, random })
      const placed: CID[] = []
      const recording: ChunkSink = { put: async (cid, bytes, options) => { placed.push(cid); return await sink.put(cid, bytes, options) } }
      const put = await putStream(once(data), recording, { convergenceSecret: random.bytes(32), workers: 0, compress: false, chunker: CHUNKING })
      assert.ok(placed.length >= 6, `chunked into ${placed.length - 1} chunks and a manifest`)
      // two holders of the file's first chunk die: one refuses connections, one goes silent
      const first = sink.holders(placed[0]).filter(p => !p.equals(reader.peerId)).slice(0, 2)
      const [refusing, silent] = first.map(p => net.node(p)!)
      refusing.kill()
      silent.kill({ silent: true })
      const source = createNetworkSource(reader, { clock, random, requestTimeoutMs: 5_000 })
      const got = createHash('sha256')
      for await (const piece of getStream(put.uri, source, { clock })) got.update(piece)
      return {
        trace: [...net.trace],
        sent: createHash('sha256').update(data).digest('hex'),
        got: got.digest('hex'),
        killed: [refusing.name, silent.name],
        virtualMs: clock.now()
      }
    }, { limitMs: 10 * 60_000 })
  } finally {
    await net.stop()
  }
}

async function * once (bytes: Uint8Array): AsyncGenerator<Uint8Array> { yield bytes }

test('one seed, two runs: the same trace of every request, byte for byte, and the file comes back exact', async () => {
  const a = await scenario(7)
  const b = await scenario(7)
  assert.is(a.got, a.sent, 'the get is exact with two holders of a chunk down')
  assert.ok(a.trace.length > 60, `a real workload (${a.trace.length} requests)`)
  const [refusing, silent] = a.killed
  assert.ok(a.trace.some(line => line.includes(`>${refusing} `) && line.endsWith(' failed ERR_PEER_UNREACHABLE')), 'the refusing holder was asked and failed')
  // never answered: abandoned when another holder answered first, or at its deadline
  assert.ok(a.trace.some(line => line.includes(`>${silent} get `) && line.endsWith(' aborted')), 'a request to the silent holder was left unanswered and abandoned')
  assert.is(a.trace.join('\n'), b.trace.join('\n'))
  assert.equal(a.killed, b.killed)
  assert.is(a.virtualMs, b.virtualMs)
})

test('another seed takes other steps (the trace tells runs apart)', async () => {
  const a = await scenario(7)
  const c = await scenario(8)
  assert.is(c.got, c.sent)
  assert.is.not(a.trace.join('\n'), c.trace.join('\n'))
})

test.run()
